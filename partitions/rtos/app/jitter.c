/* Cycle jitter statistics; see jitter.h. */
#include "partitions/rtos/app/jitter.h"

void jitter_reset(struct jitter_stats *s)
{
    *s = (struct jitter_stats){0};
}

void jitter_add(struct jitter_stats *s, uint64_t release, uint64_t start)
{
    int64_t d = (int64_t)(start - release); /* wrap-safe: both are TSC values */
    if (!s->cycles || d < s->min)
        s->min = d;
    if (!s->cycles || d > s->max)
        s->max = d;
    s->sum += d;
    s->cycles++;
}

void jitter_add_missed(struct jitter_stats *s, uint32_t missed)
{
    s->missed += missed;
}

int64_t jitter_avg(const struct jitter_stats *s)
{
    return s->cycles ? s->sum / (int64_t)s->cycles : 0;
}

uint64_t jitter_spread(const struct jitter_stats *s)
{
    return s->cycles ? (uint64_t)(s->max - s->min) : 0;
}
