/* Blocking and waking. A blocked task may be on one wait list (by
 * effective priority, FIFO among equals) and on the sleep list (its
 * timeout) at once: whichever wakes it takes it off both. */
#include "kernel.h"

void rk_wait_insert(struct rtos_wait_list *wl, struct rtos_task *t)
{
    struct rtos_task **pp = &wl->head;
    while (*pp && (*pp)->prio <= t->prio)
        pp = &(*pp)->wait_next;
    t->wait_next = *pp;
    *pp = t;
    t->wait_list = wl;
}

void rk_wait_remove(struct rtos_task *t)
{
    struct rtos_task **pp = &t->wait_list->head;
    while (*pp != t)
        pp = &(*pp)->wait_next;
    *pp = t->wait_next;
    t->wait_next = NULL;
    t->wait_list = NULL;
}

/* A deadline that can no longer be waited for (RTOS_NO_WAIT included). */
bool rk_expired(rtos_tick_t deadline)
{
    return deadline != RTOS_FOREVER && deadline <= port_now();
}

/* Blocking needs a task to block: before rtos_start or in an ISR the wait
 * fails at once. */
int rk_wait(struct rtos_wait_list *wl, rtos_tick_t deadline)
{
    struct rtos_task *cur = rk.current;
    if (!rk.started || rk.isr_nesting)
        return RTOS_TIMEOUT;
    cur->wait_result = RTOS_OK;
    if (wl)
        rk_wait_insert(wl, cur);
    if (deadline != RTOS_FOREVER)
        rk_sleep_insert(cur, deadline);
    cur->state = TASK_BLOCKED;
    rk_switch();
    return cur->wait_result;
}

void rk_wake(struct rtos_task *t, int result)
{
    rtos_mutex_t *m = t->wait_mutex;
    if (t->wait_list)
        rk_wait_remove(t);
    if (t->sleeping)
        rk_sleep_remove(t);
    t->wait_mutex = NULL;
    t->wait_result = result;
    rk_ready(t);
    /* A mutex waiter that gave up no longer lends its priority. */
    if (m && m->owner && m->owner != t)
        rk_inherit(m->owner);
}
