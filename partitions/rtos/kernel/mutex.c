/* Mutexes with priority inheritance. A task's effective priority is the
 * best of its base priority and the effective priorities of the tasks
 * waiting for mutexes it owns; those waiters are found by scanning the
 * (small, static) task table for wait_mutex->owner, so a mutex needs no
 * list of its owner's other mutexes. A change is carried along the chain
 * owner -> the mutex it waits for -> that mutex's owner... */
#include "kernel.h"

static unsigned inherited_prio(const struct rtos_task *t)
{
    unsigned p = t->base_prio;
    for (unsigned i = 0; i < RTOS_MAX_TASKS; i++) {
        const struct rtos_task *w = &rk.tasks[i];
        if (w->state == TASK_BLOCKED && w->wait_mutex && w->wait_mutex->owner == t && w->prio < p)
            p = w->prio;
    }
    return p;
}

/* Stops where nothing changes; the hop bound also ends deadlock cycles. */
void rk_inherit(struct rtos_task *t)
{
    for (unsigned hops = 0; t && hops <= RTOS_MAX_TASKS; hops++) {
        unsigned p = inherited_prio(t);
        if (p == t->prio)
            return;
        rk_set_prio(t, p);
        t = t->state == TASK_BLOCKED && t->wait_mutex ? t->wait_mutex->owner : NULL;
    }
}

void rtos_mutex_init(rtos_mutex_t *m)
{
    m->owner = NULL;
    m->waiters.head = NULL;
}

/* RTOS_OK; RTOS_TIMEOUT when the deadline passes first (at once for
 * RTOS_NO_WAIT); RTOS_EINVAL for a task locking what it owns (not
 * recursive) or a call from an ISR or before rtos_start. */
int rtos_mutex_lock(rtos_mutex_t *m, rtos_tick_t deadline)
{
    port_irq_state_t s = port_irq_save();
    struct rtos_task *cur = rk.current;
    int r = RTOS_OK;
    if (!rk.started || rk.isr_nesting || m->owner == cur) {
        r = RTOS_EINVAL;
    } else if (!m->owner) {
        m->owner = cur;
    } else if (rk_expired(deadline)) {
        r = RTOS_TIMEOUT;
    } else {
        /* Blocked first, so that the owner chain sees this waiter. */
        cur->state = TASK_BLOCKED;
        cur->wait_mutex = m;
        rk_inherit(m->owner);
        r = rk_wait(&m->waiters, deadline); /* RTOS_OK: unlock made us the owner */
    }
    port_irq_restore(s);
    return r;
}

/* Ownership passes to the best waiter (it outranks those still waiting,
 * so it inherits nothing new); the old owner drops to what its remaining
 * mutexes lend it. */
int rtos_mutex_unlock(rtos_mutex_t *m)
{
    port_irq_state_t s = port_irq_save();
    struct rtos_task *cur = rk.current;
    int r = RTOS_OK;
    if (!rk.started || rk.isr_nesting || m->owner != cur) {
        r = RTOS_EPERM;
    } else {
        struct rtos_task *next = m->waiters.head;
        m->owner = next;
        if (next)
            rk_wake(next, RTOS_OK);
        rk_inherit(cur);
        rk_preempt();
    }
    port_irq_restore(s);
    return r;
}
