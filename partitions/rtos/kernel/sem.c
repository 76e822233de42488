/* Counting semaphores. A give with waiters hands the unit straight to the
 * best waiter, so a later taker cannot overtake it. */
#include "kernel.h"

void rtos_sem_init(rtos_sem_t *s, uint32_t initial)
{
    s->count = initial;
    s->waiters.head = NULL;
}

int rtos_sem_take(rtos_sem_t *s, rtos_tick_t deadline)
{
    port_irq_state_t irq = port_irq_save();
    int r = RTOS_OK;
    if (s->count)
        s->count--;
    else if (deadline == RTOS_NO_WAIT)
        r = RTOS_EEMPTY;
    else if (rk_expired(deadline))
        r = RTOS_TIMEOUT;
    else
        r = rk_wait(&s->waiters, deadline);
    port_irq_restore(irq);
    return r;
}

/* ISR-safe: rk_preempt() defers to rtos_isr_exit() there. */
void rtos_sem_give(rtos_sem_t *s)
{
    port_irq_state_t irq = port_irq_save();
    if (s->waiters.head) {
        rk_wake(s->waiters.head, RTOS_OK);
        rk_preempt();
    } else if (s->count != UINT32_MAX) {
        s->count++;
    }
    port_irq_restore(irq);
}
