/* Periodic tasks. p->next is the end of the current cycle, which is also
 * the start of the next one: deadlines are absolute, so periods never
 * drift. */
#include "kernel.h"

void rtos_period_init(struct rtos_period *p, uint64_t period_us)
{
    p->period = rtos_us_to_ticks(period_us);
    if (!p->period)
        p->period = 1;
    p->next = port_now() + p->period;
}

/* A cycle that ended after its deadline misses every period boundary that
 * passed (at or before now); the task then sleeps to the first boundary
 * not yet passed, so it re-synchronises instead of running late forever. */
uint32_t rtos_period_wait(struct rtos_period *p)
{
    port_irq_state_t s = port_irq_save();
    rtos_tick_t now = port_now(), wake = p->next;
    uint64_t missed = 0;
    if (now > wake) {
        uint64_t rem;
        missed = rtos_udiv64(now - wake, p->period, &rem) + (rem != 0);
        wake += missed * p->period;
        rk.stats.deadline_misses += missed;
    }
    p->next = wake + p->period;
    if (wake > now)
        rk_wait(NULL, wake);
    port_irq_restore(s);
    return missed > UINT32_MAX ? UINT32_MAX : (uint32_t)missed;
}
