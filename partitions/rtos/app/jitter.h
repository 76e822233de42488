/* Cycle jitter statistics of a periodic activity (the fieldbus master,
 * fieldbus.c): per cycle, the TSC at which the work actually started less
 * its ideal release time. Pure (host-tested: tests/unit/test_rtos_fieldbus.c). */
#ifndef RTOS_APP_JITTER_H
#define RTOS_APP_JITTER_H

#include <stdint.h>

struct jitter_stats {
    uint64_t cycles;  /* samples taken */
    int64_t min, max; /* ticks; negative would mean a start before the release */
    int64_t sum;
    uint64_t missed;  /* releases skipped because a cycle overran (no sample) */
};

void jitter_reset(struct jitter_stats *s);
/* One cycle: started at `start`, released at `release` (TSC ticks). */
void jitter_add(struct jitter_stats *s, uint64_t release, uint64_t start);
void jitter_add_missed(struct jitter_stats *s, uint32_t missed);
/* Average (truncated towards zero), 0 without samples. */
int64_t jitter_avg(const struct jitter_stats *s);
/* max - min: how much the start moves from cycle to cycle; 0 without samples. */
uint64_t jitter_spread(const struct jitter_stats *s);

#endif
