/* Tests for the RTOS scheduler and time (partitions/rtos/kernel/), run on
 * the host port (rtos_host_port.c): tasks really switch, the clock is
 * simulated and moves only through host_advance_time() and idle, so every
 * tick below is exact. Each TEST builds a task set, runs it to the end
 * with host_run() and checks the trace the tasks left. */
#include <string.h>

#include "partitions/rtos/include/rtos.h"
#include "partitions/rtos/port.h"
#include "tests/unit/rtos_host_port.h"
#include "unit.h"

#define MHZ1 1000000ull /* 1 tick per microsecond */

static uint8_t stack[RTOS_MAX_TASKS + 1][256]; /* the host port runs tasks on its own stacks */

static void setup(uint64_t hz)
{
    host_reset(hz);
}

static rtos_task_t *spawn(const char *name, rtos_entry_t fn, void *arg, unsigned prio)
{
    static unsigned next;
    return rtos_task_create(name, fn, arg, prio, stack[next++ % (RTOS_MAX_TASKS + 1)], sizeof stack[0]);
}

static void say_name(void *arg)
{
    (void)arg;
    host_tr("%s", rtos_task_name(rtos_task_self()));
}

TEST(sched_priority_order)
{
    setup(MHZ1);
    spawn("p5", say_name, NULL, 5);
    spawn("p1", say_name, NULL, 1);
    spawn("p30", say_name, NULL, 30);
    spawn("p3", say_name, NULL, 3);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "p1 p3 p5 p30 ");
}

static void yielder(void *arg)
{
    const char *n = arg;
    host_tr("%s1", n);
    rtos_yield();
    host_tr("%s2", n);
    rtos_yield();
    host_tr("%s3", n);
}

TEST(sched_fifo_among_equals_and_yield)
{
    setup(MHZ1);
    spawn("a", yielder, "a", 4);
    spawn("b", yielder, "b", 4);
    spawn("c", yielder, "c", 4);
    spawn("z", yielder, "z", 9); /* lower: runs after all three */
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "a1 b1 c1 a2 b2 c2 a3 b3 c3 z1 z2 z3 ");
}

TEST(sched_yield_alone_does_not_switch)
{
    setup(MHZ1);
    spawn("z", yielder, "z", 9);
    host_run(RTOS_FOREVER);
    struct rtos_stats st;
    rtos_get_stats(&st);
    CHECK_STR(host_trace, "z1 z2 z3 ");
    CHECK_EQ(st.context_switches, 1); /* z exits to idle */
}

static void creator(void *arg)
{
    (void)arg;
    host_tr("L1");
    CHECK(spawn("H", say_name, NULL, 2) != NULL);
    host_tr("L2");
    CHECK(spawn("M", say_name, NULL, 10) != NULL); /* equal: waits its turn */
    host_tr("L3");
}

TEST(sched_preempt_on_create)
{
    setup(MHZ1);
    spawn("L", creator, NULL, 10);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "L1 H L2 L3 M ");
}

static rtos_sem_t sem;

static void sem_waiter(void *arg)
{
    (void)arg;
    host_tr("H-wait");
    CHECK_EQ(rtos_sem_take(&sem, RTOS_FOREVER), RTOS_OK);
    host_tr("H-woken");
}

static void task_giver(void *arg)
{
    (void)arg;
    host_tr("L-give");
    rtos_sem_give(&sem);
    host_tr("L-after");
}

TEST(sched_preempt_on_wake_from_task)
{
    setup(MHZ1);
    rtos_sem_init(&sem, 0);
    spawn("H", sem_waiter, NULL, 1);
    spawn("L", task_giver, NULL, 20);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "H-wait L-give H-woken L-after ");
}

static void isr_give(void *arg)
{
    (void)arg;
    rtos_sem_give(&sem);
    host_tr("isr-end"); /* the switch waits for rtos_isr_exit */
}

static void isr_raiser(void *arg)
{
    (void)arg;
    host_tr("L-irq");
    host_isr(isr_give, NULL);
    host_tr("L-after");
}

TEST(sched_preempt_on_wake_from_isr)
{
    setup(MHZ1);
    rtos_sem_init(&sem, 0);
    spawn("H", sem_waiter, NULL, 1);
    spawn("L", isr_raiser, NULL, 20);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "H-wait L-irq isr-end H-woken L-after ");
}

static void busy(void *arg)
{
    host_advance_time((uintptr_t)arg);
    host_tr("%s@%llu", rtos_task_name(rtos_task_self()), (unsigned long long)rtos_now());
}

static void sleeper(void *arg)
{
    rtos_sleep_until((uintptr_t)arg);
    host_tr("%s@%llu", rtos_task_name(rtos_task_self()), (unsigned long long)rtos_now());
}

TEST(sched_preempt_from_timer)
{
    setup(MHZ1);
    spawn("L", busy, (void *)1000, 20);
    spawn("H", sleeper, (void *)500, 1);
    host_run(RTOS_FOREVER);
    /* H woke in the middle of L's work; L's own 1000 ticks still elapse. */
    CHECK_STR(host_trace, "H@500 L@1000 ");
}

TEST(sched_preempted_task_keeps_its_turn)
{
    setup(MHZ1);
    spawn("a", busy, (void *)100, 5);
    spawn("b", busy, (void *)10, 5);
    spawn("H", sleeper, (void *)50, 1);
    host_run(RTOS_FOREVER);
    /* a was preempted, not yielding: it resumes before b. */
    CHECK_STR(host_trace, "H@50 a@100 b@110 ");
}

TEST(sched_sleep_until_order_and_exact_ticks)
{
    setup(MHZ1);
    spawn("c", sleeper, (void *)300, 5);
    spawn("a", sleeper, (void *)100, 5);
    spawn("b", sleeper, (void *)200, 5);
    spawn("b2", sleeper, (void *)200, 5); /* same deadline: FIFO */
    spawn("past", sleeper, (void *)0, 6);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "past@0 a@100 b@200 b2@200 c@300 ");
    CHECK_EQ(host_timer_deadline(), 0);
    CHECK_EQ(host_timer_arms, 5); /* 300 (c), 100 (a), then 200, 300 and off as they fire */
}

static void sleep_us_task(void *arg)
{
    (void)arg;
    rtos_sleep_us(250);
    host_tr("s@%llu", (unsigned long long)rtos_now());
}

TEST(sched_sleep_us)
{
    setup(3 * MHZ1);
    spawn("s", sleep_us_task, NULL, 5);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "s@750 ");
}

static uint64_t ref_ticks(uint64_t us, uint64_t hz)
{
    unsigned __int128 t = (unsigned __int128)us * hz / 1000000;
    return t > RTOS_FOREVER ? RTOS_FOREVER : (uint64_t)t;
}

TEST(sched_us_to_ticks_exact)
{
    static const uint64_t hzs[] = {1000000, 2400000000ull, 1999999999ull, 3000000007ull, 49990000ull};
    static const uint64_t uss[] = {0, 1, 3, 999999, 1000000, 1500000, 123456789, 10000000000000ull,
                                   3000000000000000ull, UINT64_MAX / 1000, UINT64_MAX};
    for (unsigned h = 0; h < sizeof hzs / sizeof hzs[0]; h++) {
        host_reset(hzs[h]);
        CHECK_EQ(rtos_tsc_hz(), hzs[h]);
        for (unsigned u = 0; u < sizeof uss / sizeof uss[0]; u++)
            CHECK_EQ(rtos_us_to_ticks(uss[u]), ref_ticks(uss[u], hzs[h]));
    }
}

static uint64_t works[] = {10, 10, 250, 10, 120, 10, 100};

static void periodic(void *arg)
{
    (void)arg;
    struct rtos_period p;
    rtos_period_init(&p, 100);
    for (unsigned i = 0; i < sizeof works / sizeof works[0]; i++) {
        host_advance_time(works[i]);
        uint32_t missed = rtos_period_wait(&p);
        host_tr("%llu/%u", (unsigned long long)rtos_now(), missed);
    }
}

TEST(sched_periodic_and_misses)
{
    setup(MHZ1);
    spawn("per", periodic, NULL, 3);
    host_run(RTOS_FOREVER);
    /* Cycle 3 ends at 450: boundaries 300 and 400 missed, resumes at 500.
     * Cycle 5 ends at 720: 700 missed, resumes at 800. The last cycle ends
     * exactly on its boundary (1000): on time. */
    CHECK_STR(host_trace, "100/0 200/0 500/2 600/0 800/1 900/0 1000/0 ");
    struct rtos_stats st;
    rtos_get_stats(&st);
    CHECK_EQ(st.deadline_misses, 3);
}

static void periodic_pair(void *arg)
{
    struct rtos_period p;
    uint64_t us = (uintptr_t)arg;
    rtos_period_init(&p, us);
    for (int i = 0; i < 3; i++) {
        host_advance_time(5);
        CHECK_EQ(rtos_period_wait(&p), 0);
        host_tr("%s@%llu", rtos_task_name(rtos_task_self()), (unsigned long long)rtos_now());
    }
}

TEST(sched_two_periodic_tasks)
{
    setup(2 * MHZ1);
    spawn("fast", periodic_pair, (void *)20, 1);
    spawn("slow", periodic_pair, (void *)50, 2);
    host_run(RTOS_FOREVER);
    /* Each period counts from its task's rtos_period_init: slow's at 5. */
    CHECK_STR(host_trace, "fast@40 fast@80 slow@105 fast@120 slow@205 slow@305 ");
}

static void noop(void *arg)
{
    (void)arg;
}

static rtos_task_t *reused;

static void reuser(void *arg)
{
    rtos_task_t *first = arg;
    unsigned made = 0;
    reused = spawn("again", say_name, NULL, 1); /* runs and exits at once */
    while (spawn("fill", noop, NULL, 20))
        made++;
    CHECK_EQ(made, RTOS_MAX_TASKS - 1); /* every slot but this task's */
    CHECK(reused == first);
}

TEST(sched_task_exit_and_slot_reuse)
{
    setup(MHZ1);
    rtos_task_t *first = spawn("first", noop, NULL, 1);
    CHECK(first != NULL);
    for (int i = 1; i < RTOS_MAX_TASKS - 1; i++)
        CHECK(spawn("t", noop, NULL, 2) != NULL);
    CHECK(spawn("reuser", reuser, first, 10) != NULL);
    CHECK(spawn("over", noop, NULL, 2) == NULL); /* table full */
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "again ");
}

TEST(sched_task_create_checks)
{
    setup(MHZ1);
    CHECK(spawn("x", NULL, NULL, 1) == NULL);
    CHECK(spawn("x", noop, NULL, RTOS_PRIORITIES) == NULL);
    CHECK(rtos_task_create("x", noop, NULL, 1, NULL, 256) == NULL);
    rtos_task_t *t = spawn("a-very-long-task-name", noop, NULL, 7);
    CHECK_STR(rtos_task_name(t), "a-very-long-tas");
    CHECK_EQ(rtos_task_priority(t), 7);
    CHECK(rtos_task_self() == NULL); /* not started */
}

TEST(sched_idle_priority_task_runs)
{
    setup(MHZ1);
    spawn("bg", sleeper, (void *)40, RTOS_PRIORITIES - 1);
    spawn("fg", sleeper, (void *)20, 0);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "fg@20 bg@40 ");
}

TEST(sched_stats_counts)
{
    setup(MHZ1);
    spawn("A", sleeper, (void *)100, 1);
    spawn("B", busy, (void *)30, 2);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "B@30 A@100 ");
    struct rtos_stats st;
    rtos_get_stats(&st);
    /* A->B, B->idle (exit), idle->A (timer), A->idle (exit). */
    CHECK_EQ(st.context_switches, 4);
    CHECK_EQ(st.timer_interrupts, 1);
    CHECK_EQ(st.idle_ticks, 70);
    CHECK_EQ(st.deadline_misses, 0);
}

static void periodic_forever(void *arg)
{
    (void)arg;
    struct rtos_period p;
    rtos_period_init(&p, 10);
    for (;;) {
        host_advance_time(1);
        rtos_period_wait(&p);
    }
}

TEST(sched_run_limit_stops_a_periodic_task)
{
    setup(MHZ1);
    spawn("p", periodic_forever, NULL, 1);
    host_run(1000);
    struct rtos_stats st;
    rtos_get_stats(&st);
    CHECK_EQ(rtos_now(), 1001); /* the last cycle, released at 1000, ran */
    CHECK_EQ(st.timer_interrupts, 100);
    CHECK_EQ(st.idle_ticks, 900);
    CHECK_EQ(host_timer_deadline(), 1010);
}

/* The idle hook: called with interrupts open while every task is blocked
 * (idle never halts meanwhile); a timer wakes a task out of it at once;
 * a task sharing the idle priority made ready by it gets the CPU. */
static unsigned hook_calls, hook_masked;
static void hook(void)
{
    port_irq_state_t was = port_irq_save();
    port_irq_restore(was);
    hook_calls++;
    hook_masked += was != 0;
    if (rtos_now() >= 1000)
        rtos_set_idle_hook(NULL); /* let idle halt: host_run ends */
    else
        host_advance_time(7);
}

static void idle_prio_task(void *arg)
{
    (void)arg;
    host_tr("low@%llu", (unsigned long long)rtos_now());
}

static void hook_sleeper(void *arg)
{
    (void)arg;
    rtos_sleep_until(100);
    host_tr("woke@%llu", (unsigned long long)rtos_now());
    spawn("low", idle_prio_task, NULL, RTOS_PRIORITIES - 1);
}

TEST(sched_idle_hook_polls_with_interrupts_open)
{
    setup(MHZ1);
    rtos_set_idle_hook(hook);
    CHECK(rtos_get_idle_hook() == hook);
    spawn("s", hook_sleeper, NULL, 3);
    host_run(RTOS_FOREVER);
    /* Woken exactly at its deadline, in the middle of a hook call (98 +
     * 7); low (idle's priority) runs once that call returns, at 105,
     * before idle calls the hook again. */
    CHECK_STR(host_trace, "woke@100 low@105 ");
    CHECK(hook_calls > 100);
    CHECK_EQ(hook_masked, 0);
    CHECK(rtos_get_idle_hook() == NULL);
}
