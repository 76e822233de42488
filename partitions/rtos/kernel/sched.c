/* The scheduler: task table, ready queues, context switches, the idle
 * task and ISR bookkeeping. The running task is in no ready queue; a task
 * preempted goes back to the head of its queue (it did not give up its
 * turn), one that yields to the tail. */
#include "kernel.h"

struct rk_kernel rk;

static uint8_t idle_stack[RK_IDLE_STACK_SIZE] __attribute__((aligned(16)));

void rtos_kernel_reset(void)
{
    rtos_memset(&rk, 0, sizeof rk);
}

static void rq_insert(struct rtos_task *t, bool at_head)
{
    struct rtos_task **head = &rk.ready[t->prio].head, **tail = &rk.ready[t->prio].tail;
    t->state = TASK_READY;
    t->rq_next = NULL;
    if (!*head) {
        *head = *tail = t;
    } else if (at_head) {
        t->rq_next = *head;
        *head = t;
    } else {
        (*tail)->rq_next = t;
        *tail = t;
    }
    rk.ready_bits |= 1u << t->prio;
}

static void rq_remove(struct rtos_task *t)
{
    struct rtos_task **pp = &rk.ready[t->prio].head, *prev = NULL;
    while (*pp != t) {
        prev = *pp;
        pp = &prev->rq_next;
    }
    *pp = t->rq_next;
    if (rk.ready[t->prio].tail == t)
        rk.ready[t->prio].tail = prev;
    if (!rk.ready[t->prio].head)
        rk.ready_bits &= ~(1u << t->prio);
}

/* The best ready priority, RTOS_PRIORITIES if none. */
static unsigned best_ready(void)
{
    return rk.ready_bits ? (unsigned)__builtin_ctz(rk.ready_bits) : RTOS_PRIORITIES;
}

void rk_ready(struct rtos_task *t)
{
    rq_insert(t, false);
}

void rk_set_prio(struct rtos_task *t, unsigned prio)
{
    if (t->state == TASK_READY) {
        rq_remove(t);
        t->prio = (uint8_t)prio;
        rq_insert(t, false);
    } else if (t->wait_list) {
        struct rtos_wait_list *wl = t->wait_list;
        rk_wait_remove(t);
        t->prio = (uint8_t)prio;
        rk_wait_insert(wl, t);
    } else {
        t->prio = (uint8_t)prio;
    }
}

/* The idle task is always ready or running, so there is always a next. */
void rk_switch(void)
{
    struct rtos_task *prev = rk.current, *next = rk.ready[best_ready()].head;
    rq_remove(next);
    next->state = TASK_RUNNING;
    rk.current = next;
    if (next == prev)
        return;
    if (prev == &rk.idle)
        rk.stats.idle_ticks += port_now() - rk.idle_since;
    else if (next == &rk.idle)
        rk.idle_since = port_now();
    rk.stats.context_switches++;
    port_context_switch(&prev->ctx, &next->ctx);
}

/* In an ISR the switch waits for rtos_isr_exit(), which checks again. */
void rk_preempt(void)
{
    if (!rk.started || rk.isr_nesting || best_ready() >= rk.current->prio)
        return;
    rq_insert(rk.current, true);
    rk_switch();
}

void rtos_isr_enter(void)
{
    port_irq_state_t s = port_irq_save();
    rk.isr_nesting++;
    port_irq_restore(s);
}

void rtos_isr_exit(void)
{
    port_irq_state_t s = port_irq_save();
    if (rk.isr_nesting)
        rk.isr_nesting--;
    rk_preempt();
    port_irq_restore(s);
}

static void task_main(void *arg)
{
    struct rtos_task *t = arg;
    t->entry(t->arg);
    rtos_task_exit();
}

static void task_setup(struct rtos_task *t, const char *name, rtos_entry_t entry, void *arg, unsigned prio,
                       void *stack, size_t stack_size)
{
    rtos_memset(t, 0, sizeof *t);
    for (unsigned i = 0; name && name[i] && i < RTOS_NAME_MAX - 1; i++)
        t->name[i] = name[i];
    t->entry = entry;
    t->arg = arg;
    t->base_prio = t->prio = (uint8_t)prio;
    port_context_init(&t->ctx, stack, stack_size, task_main, t);
}

/* Idle runs with interrupts masked; port_idle_wait() opens them while it
 * halts. A user task may share the idle priority: idle then yields to it.
 * With a hook idle never halts: it calls the hook with interrupts open
 * (the state the task started in) until a task of its priority is ready;
 * a task of higher priority takes the CPU from it at once, at the end of
 * the interrupt that made it ready, wherever the hook is. */
static void idle_main(void *arg)
{
    (void)arg;
    port_irq_state_t open = port_irq_save();
    for (;;) {
        rtos_idle_hook_t hook;
        if (rk.ready_bits) {
            rq_insert(&rk.idle, false);
            rk_switch();
        } else if (__atomic_load_n(&rk.idle_hook, __ATOMIC_RELAXED)) {
            port_irq_restore(open);
            while ((hook = __atomic_load_n(&rk.idle_hook, __ATOMIC_RELAXED)) &&
                   !__atomic_load_n(&rk.ready_bits, __ATOMIC_RELAXED))
                hook();
            port_irq_save();
        } else {
            port_idle_wait();
        }
    }
}

void rtos_set_idle_hook(rtos_idle_hook_t hook) { __atomic_store_n(&rk.idle_hook, hook, __ATOMIC_RELAXED); }
rtos_idle_hook_t rtos_get_idle_hook(void) { return __atomic_load_n(&rk.idle_hook, __ATOMIC_RELAXED); }
bool rtos_in_idle(void) { return rk.started && rk.current == &rk.idle; }

rtos_task_t *rtos_task_create(const char *name, rtos_entry_t entry, void *arg, unsigned priority, void *stack,
                              size_t stack_size)
{
    if (!entry || priority >= RTOS_PRIORITIES || !stack || !stack_size)
        return NULL;
    port_irq_state_t s = port_irq_save();
    struct rtos_task *t = NULL;
    for (unsigned i = 0; i < RTOS_MAX_TASKS && !t; i++)
        if (rk.tasks[i].state == TASK_FREE)
            t = &rk.tasks[i];
    if (t) {
        task_setup(t, name, entry, arg, priority, stack, stack_size);
        rk_ready(t);
        rk_preempt();
    }
    port_irq_restore(s);
    return t;
}

rtos_task_t *rtos_task_self(void)
{
    return rk.current;
}

const char *rtos_task_name(const rtos_task_t *t)
{
    return t ? t->name : "";
}

unsigned rtos_task_priority(const rtos_task_t *t)
{
    return t ? t->prio : RTOS_PRIORITIES;
}

void rtos_yield(void)
{
    port_irq_state_t s = port_irq_save();
    if (rk.started && !rk.isr_nesting && best_ready() <= rk.current->prio) {
        rq_insert(rk.current, false);
        rk_switch();
    }
    port_irq_restore(s);
}

/* The slot is free at once: nothing can reuse it (or its stack) before the
 * switch, interrupts being masked. A task must not exit holding a mutex. */
void rtos_task_exit(void)
{
    port_irq_save();
    rk.current->state = TASK_FREE;
    rk_switch();
    for (;;) {
    }
}

void rtos_start(void)
{
    port_irq_save(); /* masked until the first task runs: tasks start with interrupts enabled */
    task_setup(&rk.idle, "idle", idle_main, NULL, RK_IDLE_PRIO, idle_stack, sizeof idle_stack);
    rk_ready(&rk.idle);
    rk.started = true;
    struct rtos_task *first = rk.ready[best_ready()].head;
    rq_remove(first);
    first->state = TASK_RUNNING;
    rk.current = first;
    rk.idle_since = port_now();
    port_start_first(&first->ctx);
    for (;;) {
    }
}
