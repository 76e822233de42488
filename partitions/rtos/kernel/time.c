/* Time: the sleep list (every blocked task with a deadline, sorted) and
 * the tick-less timer, always armed for the earliest deadline only. */
#include "kernel.h"

void rk_sleep_insert(struct rtos_task *t, rtos_tick_t deadline)
{
    struct rtos_task **pp = &rk.sleep_head;
    while (*pp && (*pp)->deadline <= deadline)
        pp = &(*pp)->sleep_next;
    t->deadline = deadline;
    t->sleep_next = *pp;
    *pp = t;
    t->sleeping = true;
    if (rk.sleep_head == t)
        port_timer_arm(deadline);
}

void rk_sleep_remove(struct rtos_task *t)
{
    struct rtos_task **pp = &rk.sleep_head;
    bool was_first = *pp == t;
    while (*pp != t)
        pp = &(*pp)->sleep_next;
    *pp = t->sleep_next;
    t->sleep_next = NULL;
    t->sleeping = false;
    if (was_first)
        port_timer_arm(rk.sleep_head ? rk.sleep_head->deadline : 0);
}

/* Wakes every task whose deadline has come, then re-arms once. The wakes
 * only make tasks ready: the port's rtos_isr_exit() switches. */
void rtos_timer_isr(void)
{
    port_irq_state_t s = port_irq_save();
    struct rtos_task *t;
    rk.isr_nesting++;
    rk.stats.timer_interrupts++;
    while ((t = rk.sleep_head) && t->deadline <= port_now()) {
        rk.sleep_head = t->sleep_next;
        t->sleep_next = NULL;
        t->sleeping = false;
        rk_wake(t, RTOS_TIMEOUT);
    }
    port_timer_arm(t ? t->deadline : 0);
    rk.isr_nesting--;
    port_irq_restore(s);
}

rtos_tick_t rtos_next_deadline(void)
{
    port_irq_state_t s = port_irq_save();
    rtos_tick_t d = rk.sleep_head ? rk.sleep_head->deadline : RTOS_FOREVER;
    port_irq_restore(s);
    return d;
}

rtos_tick_t rtos_now(void)
{
    return port_now();
}

uint64_t rtos_tsc_hz(void)
{
    return port_tsc_hz();
}

/* us * hz / 1e6 without overflowing for any realistic span: whole seconds
 * times hz, plus the remainder (< 1e6, so times hz fits). Rounded down;
 * saturates at RTOS_FOREVER. */
rtos_tick_t rtos_us_to_ticks(uint64_t us)
{
    uint64_t hz = port_tsc_hz(), rem, whole;
    uint64_t secs = rtos_udiv64(us, 1000000, &rem);
    uint64_t part = rtos_udiv64(rem * hz, 1000000, NULL);
    if (__builtin_mul_overflow(secs, hz, &whole) || whole + part < whole)
        return RTOS_FOREVER;
    return whole + part;
}

void rtos_sleep_until(rtos_tick_t deadline)
{
    port_irq_state_t s = port_irq_save();
    if (!rk_expired(deadline))
        rk_wait(NULL, deadline);
    port_irq_restore(s);
}

void rtos_sleep_us(uint64_t us)
{
    rtos_tick_t now = port_now(), ticks = rtos_us_to_ticks(us);
    rtos_sleep_until(ticks >= RTOS_FOREVER - now ? RTOS_FOREVER : now + ticks);
}
