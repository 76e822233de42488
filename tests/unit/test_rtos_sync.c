/* Tests for the RTOS semaphores and mutexes (priority inheritance), on the
 * host port (rtos_host_port.c; see test_rtos_sched.c for the method). */
#include <string.h>

#include "partitions/rtos/include/rtos.h"
#include "tests/unit/rtos_host_port.h"
#include "unit.h"

static uint8_t stack[RTOS_MAX_TASKS][256]; /* the host port runs tasks on its own stacks */

static void setup(void)
{
    host_reset(1000000);
}

static rtos_task_t *spawn(const char *name, rtos_entry_t fn, void *arg, unsigned prio)
{
    static unsigned next;
    return rtos_task_create(name, fn, arg, prio, stack[next++ % RTOS_MAX_TASKS], sizeof stack[0]);
}

static const char *me(void)
{
    return rtos_task_name(rtos_task_self());
}

static unsigned long long now(void)
{
    return (unsigned long long)rtos_now();
}

/* ------------------------------------------------------------ semaphores */

static rtos_sem_t sem;

TEST(sem_count_and_no_wait)
{
    setup();
    rtos_sem_init(&sem, 2);
    CHECK_EQ(rtos_sem_take(&sem, RTOS_NO_WAIT), RTOS_OK);
    CHECK_EQ(rtos_sem_take(&sem, RTOS_NO_WAIT), RTOS_OK);
    CHECK_EQ(rtos_sem_take(&sem, RTOS_NO_WAIT), RTOS_EEMPTY);
    rtos_sem_give(&sem);
    CHECK_EQ(sem.count, 1);
    CHECK_EQ(rtos_sem_take(&sem, RTOS_NO_WAIT), RTOS_OK);
    CHECK_EQ(sem.count, 0);
}

static void take_until(void *arg)
{
    int r = rtos_sem_take(&sem, (uintptr_t)arg);
    host_tr("%s:%d@%llu", me(), r, now());
}

static void give_at(void *arg)
{
    rtos_sleep_until((uintptr_t)arg);
    host_tr("give@%llu", now());
    rtos_sem_give(&sem);
}

TEST(sem_block_give_and_timeout)
{
    setup();
    rtos_sem_init(&sem, 0);
    spawn("t1", take_until, (void *)500, 1); /* times out */
    spawn("t2", take_until, (void *)RTOS_FOREVER, 2);
    spawn("g", give_at, (void *)700, 3);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "t1:-1@500 give@700 t2:0@700 ");
    CHECK(sem.waiters.head == NULL);
    CHECK_EQ(sem.count, 0);
}

TEST(sem_give_cancels_timeout)
{
    setup();
    rtos_sem_init(&sem, 0);
    spawn("t", take_until, (void *)1000, 1);
    spawn("g", give_at, (void *)200, 2);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "give@200 t:0@200 ");
    CHECK_EQ(host_timer_deadline(), 0); /* t's timeout left the timer */
    struct rtos_stats st;
    rtos_get_stats(&st);
    CHECK_EQ(st.timer_interrupts, 1); /* only g's wake */
}

static void take_past(void *arg)
{
    (void)arg;
    host_advance_time(50);
    CHECK_EQ(rtos_sem_take(&sem, 10), RTOS_TIMEOUT); /* a deadline already gone */
    CHECK_EQ(rtos_sem_take(&sem, RTOS_NO_WAIT), RTOS_EEMPTY);
    host_tr("done@%llu", now());
}

TEST(sem_past_deadline_fails_at_once)
{
    setup();
    rtos_sem_init(&sem, 0);
    spawn("t", take_past, NULL, 1);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "done@50 ");
}

static void give_n(void *arg)
{
    for (uintptr_t i = 0; i < (uintptr_t)arg; i++)
        rtos_sem_give(&sem);
}

TEST(sem_waiters_by_priority_fifo_among_equals)
{
    setup();
    rtos_sem_init(&sem, 0);
    spawn("p5", take_until, (void *)RTOS_FOREVER, 5);
    spawn("p3a", take_until, (void *)RTOS_FOREVER, 3);
    spawn("p7", take_until, (void *)RTOS_FOREVER, 7);
    spawn("p3b", take_until, (void *)RTOS_FOREVER, 3);
    spawn("g", give_n, (void *)4, 9);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "p3a:0@0 p3b:0@0 p5:0@0 p7:0@0 ");
}

/* --------------------------------------------------------------- mutexes */

static rtos_mutex_t m1, m2, m3;
static rtos_task_t *t_low, *t_mid, *t_high;

static void try_others(void *arg)
{
    (void)arg;
    CHECK_EQ(rtos_mutex_unlock(&m1), RTOS_EPERM); /* owned by "own" */
    host_tr("other");
}

static void own(void *arg)
{
    (void)arg;
    CHECK_EQ(rtos_mutex_unlock(&m1), RTOS_EPERM); /* not locked */
    CHECK_EQ(rtos_mutex_lock(&m1, RTOS_FOREVER), RTOS_OK);
    CHECK(m1.owner == rtos_task_self());
    CHECK_EQ(rtos_mutex_lock(&m1, RTOS_FOREVER), RTOS_EINVAL); /* not recursive */
    spawn("other", try_others, NULL, 1);
    CHECK_EQ(rtos_mutex_unlock(&m1), RTOS_OK);
    CHECK(m1.owner == NULL);
    CHECK_EQ(rtos_mutex_unlock(&m1), RTOS_EPERM);
    host_tr("own");
}

TEST(mutex_ownership_and_eperm)
{
    setup();
    rtos_mutex_init(&m1);
    CHECK_EQ(rtos_mutex_lock(&m1, RTOS_FOREVER), RTOS_EINVAL); /* not started */
    spawn("own", own, NULL, 5);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "other own ");
}

static void lock_try(void *arg)
{
    (void)arg;
    CHECK_EQ(rtos_mutex_lock(&m1, RTOS_NO_WAIT), RTOS_TIMEOUT);
    CHECK_EQ(rtos_mutex_lock(&m1, 300), RTOS_TIMEOUT);
    host_tr("gave-up@%llu", now());
    CHECK_EQ(rtos_mutex_lock(&m1, RTOS_FOREVER), RTOS_OK);
    host_tr("got@%llu", now());
    rtos_mutex_unlock(&m1);
}

static void lock_hold(void *arg)
{
    CHECK_EQ(rtos_mutex_lock(&m1, RTOS_FOREVER), RTOS_OK);
    rtos_sleep_until((uintptr_t)arg);
    rtos_mutex_unlock(&m1);
}

TEST(mutex_timeout_then_handoff)
{
    setup();
    rtos_mutex_init(&m1);
    spawn("hold", lock_hold, (void *)400, 1);
    spawn("try", lock_try, NULL, 2);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "gave-up@300 got@400 ");
    CHECK(m1.owner == NULL);
}

/* Classic inversion: low holds, high blocks, medium (CPU-bound) must not
 * run before low releases. */
static void inv_low(void *arg)
{
    (void)arg;
    rtos_mutex_lock(&m1, RTOS_FOREVER);
    host_tr("L-lock");
    host_advance_time(100); /* high blocks at 10, medium wakes at 20 */
    host_tr("L-prio%u", rtos_task_priority(rtos_task_self()));
    rtos_mutex_unlock(&m1);
    host_tr("L-end@%llu-prio%u", now(), rtos_task_priority(rtos_task_self()));
}

static void inv_mid(void *arg)
{
    (void)arg;
    rtos_sleep_until(20);
    host_tr("M-run@%llu", now());
    host_advance_time(500);
}

static void inv_high(void *arg)
{
    (void)arg;
    rtos_sleep_until(10);
    host_tr("H-try");
    rtos_mutex_lock(&m1, RTOS_FOREVER);
    host_tr("H-got@%llu", now());
    rtos_mutex_unlock(&m1);
}

TEST(mutex_priority_inversion_avoided)
{
    setup();
    rtos_mutex_init(&m1);
    t_high = spawn("H", inv_high, NULL, 5);
    t_mid = spawn("M", inv_mid, NULL, 10);
    t_low = spawn("L", inv_low, NULL, 20);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "L-lock H-try L-prio5 H-got@100 M-run@100 L-end@600-prio20 ");
}

/* The same with the owner preempted (ready, not running) when high blocks:
 * it must be re-queued at the inherited priority, ahead of medium. */
static void inv_mid_early(void *arg)
{
    (void)arg;
    rtos_sleep_until(10);
    host_tr("M-run@%llu", now());
    host_advance_time(500);
    host_tr("M-end@%llu", now());
}

static void inv_high_late(void *arg)
{
    rtos_sleep_until(20);
    inv_high(arg);
}

TEST(mutex_inheritance_requeues_a_ready_owner)
{
    setup();
    rtos_mutex_init(&m1);
    spawn("H", inv_high_late, NULL, 5);
    spawn("M", inv_mid_early, NULL, 10);
    spawn("L", inv_low, NULL, 20);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "L-lock M-run@10 H-try L-prio5 H-got@110 M-end@600 L-end@600-prio20 ");
}

/* A chain: T1 holds m1; T2 holds m2, waits m1; T3 holds m3, waits m2; T4
 * waits m3. T4's priority must reach T1 through T3 and T2. */
static rtos_task_t *chain[5];
static unsigned prio_of(int i)
{
    return rtos_task_priority(chain[i]);
}

static void ch1(void *arg)
{
    (void)arg;
    rtos_mutex_lock(&m1, RTOS_FOREVER);
    host_advance_time(100);
    host_tr("T1:%u,%u,%u,%u", prio_of(1), prio_of(2), prio_of(3), prio_of(4));
    rtos_mutex_unlock(&m1);
    host_tr("T1-end:%u", prio_of(1));
}

static void ch_mid(void *arg)
{
    int i = (int)(uintptr_t)arg; /* 2 or 3 */
    rtos_mutex_t *own = i == 2 ? &m2 : &m3, *want = i == 2 ? &m1 : &m2;
    rtos_sleep_until(10 * (i - 1));
    rtos_mutex_lock(own, RTOS_FOREVER);
    rtos_mutex_lock(want, RTOS_FOREVER);
    host_tr("T%d-got:%u", i, prio_of(i));
    rtos_mutex_unlock(want);
    rtos_mutex_unlock(own);
    host_tr("T%d-end:%u", i, prio_of(i));
}

static void ch4(void *arg)
{
    rtos_sleep_until(30);
    int r = rtos_mutex_lock(&m3, (uintptr_t)arg);
    host_tr("T4:%d@%llu", r, now());
    if (r == RTOS_OK)
        rtos_mutex_unlock(&m3);
}

static void chain_setup(rtos_tick_t t4_deadline)
{
    setup();
    rtos_mutex_init(&m1);
    rtos_mutex_init(&m2);
    rtos_mutex_init(&m3);
    chain[1] = spawn("T1", ch1, NULL, 20);
    chain[2] = spawn("T2", ch_mid, (void *)2, 18);
    chain[3] = spawn("T3", ch_mid, (void *)3, 16);
    chain[4] = spawn("T4", ch4, (void *)(uintptr_t)t4_deadline, 10);
}

TEST(mutex_transitive_inheritance)
{
    chain_setup(RTOS_FOREVER);
    host_run(RTOS_FOREVER);
    /* At 100 all of T1..T3 run at T4's 10. Each unlock hands the mutex on
     * and drops its old owner back to what it still holds lends it. */
    CHECK_STR(host_trace, "T1:10,10,10,10 T2-got:10 T3-got:10 T4:0@100 T3-end:16 T2-end:18 T1-end:20 ");
}

TEST(mutex_inheritance_undone_on_timeout)
{
    chain_setup(60);
    host_run(RTOS_FOREVER);
    /* T4 gives up at 60: the chain falls back to T3's 16. */
    CHECK_STR(host_trace, "T4:-1@60 T1:16,16,16,10 T2-got:16 T3-got:16 T3-end:16 T2-end:18 T1-end:20 ");
}

static void order_waiter(void *arg)
{
    rtos_sleep_until((uintptr_t)arg);
    rtos_mutex_lock(&m1, RTOS_FOREVER);
    host_tr("%s", me());
    rtos_mutex_unlock(&m1);
}

static void order_holder(void *arg)
{
    (void)arg;
    rtos_mutex_lock(&m1, RTOS_FOREVER);
    rtos_sleep_until(100);
    CHECK_EQ(rtos_task_priority(rtos_task_self()), 3);
    rtos_mutex_unlock(&m1);
    host_tr("holder");
}

TEST(mutex_handoff_by_priority)
{
    setup();
    rtos_mutex_init(&m1);
    spawn("holder", order_holder, NULL, 9);
    spawn("w6", order_waiter, (void *)10, 6);
    spawn("w3", order_waiter, (void *)20, 3);
    spawn("w8", order_waiter, (void *)30, 8);
    spawn("w3b", order_waiter, (void *)40, 3);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "w3 w3b w6 w8 holder ");
}
