/* Health counters. idle_ticks accrues at each switch away from idle; a
 * snapshot taken while idle runs adds the current stretch. */
#include "kernel.h"

void rtos_get_stats(struct rtos_stats *out)
{
    port_irq_state_t s = port_irq_save();
    out->context_switches = rk.stats.context_switches;
    out->timer_interrupts = rk.stats.timer_interrupts;
    out->deadline_misses = rk.stats.deadline_misses;
    out->idle_ticks = rk.stats.idle_ticks;
    if (rk.started && rk.current == &rk.idle)
        out->idle_ticks += port_now() - rk.idle_since;
    port_irq_restore(s);
}

uint32_t rtos_task_count(void)
{
    port_irq_state_t s = port_irq_save();
    uint32_t n = rk.started ? 1 : 0; /* idle exists once started */
    for (unsigned i = 0; i < RTOS_MAX_TASKS; i++)
        n += rk.tasks[i].state != TASK_FREE;
    port_irq_restore(s);
    return n;
}
