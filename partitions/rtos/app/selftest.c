/* app=selftest: one controller task (priority 1) runs the checks in turn,
 * each with helper tasks of chosen priorities, and prints
 * "selftest NAME: PASS|FAIL detail" per check, then "selftest: N passed,
 * M failed", then powers off with 0 (all passed) or 1. Timing margins are
 * generous: a console line masks interrupts for its transmission time. */
#include <stdarg.h>

#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/lib.h"
#include "partitions/rtos/app/app.h"
#include "partitions/rtos/app/health.h"
#include "partitions/rtos/arch/x86/power.h"
#include "partitions/rtos/arch/x86/timer.h"
#include "partitions/rtos/port.h"

#define PRIO_CTRL 1

static uint32_t passed, failed;
static rtos_sem_t done;          /* helpers give it when they finish */
static volatile uint32_t order[8], order_n;

static void result(const char *name, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void result(const char *name, int ok, const char *fmt, ...)
{
    va_list ap;
    ok ? passed++ : failed++;
    say_begin();
    say_more("selftest %s: %s ", name, ok ? "PASS" : "FAIL");
    va_start(ap, fmt);
    say_vmore(fmt, ap);
    va_end(ap);
    say_end();
}

static rtos_tick_t ms_from_now(uint32_t ms) { return rtos_now() + rtos_us_to_ticks(ms * 1000ull); }

/* Waits for n helpers; returns how many finished within ms. */
static uint32_t wait_done(uint32_t n, uint32_t ms)
{
    rtos_tick_t deadline = ms_from_now(ms);
    uint32_t got = 0;
    while (got < n && rtos_sem_take(&done, deadline) == RTOS_OK)
        got++;
    return got;
}

static void record(uint32_t id)
{
    port_irq_state_t s = port_irq_save();
    if (order_n < 8)
        order[order_n++] = id;
    port_irq_restore(s);
}

static int order_is(uint32_t n, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    const uint32_t want[4] = {a, b, c, d};
    if (order_n != n)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (order[i] != want[i])
            return 0;
    return 1;
}

static void finish(void)
{
    rtos_sem_give(&done);
    rtos_task_exit();
}

/* ------------------------------------------------------------ priorities */
static void record_task(void *arg)
{
    record((uint32_t)arg);
    finish();
}

static void check_priorities(void)
{
    order_n = 0;
    /* All below the controller: none runs until it blocks, then by priority. */
    app_spawn("p13", record_task, (void *)3, 13);
    app_spawn("p12", record_task, (void *)2, 12);
    app_spawn("p11", record_task, (void *)1, 11);
    int none_yet = order_n == 0;
    uint32_t got = wait_done(3, 100);
    int by_prio = got == 3 && order_is(3, 1, 2, 3, 0);
    uint32_t first = order[0], second = order[1], third = order[2];
    /* Above the controller: runs inside rtos_task_create. */
    order_n = 0;
    app_spawn("p0", record_task, (void *)9, 0);
    int preempted = order_n == 1;
    got += wait_done(1, 100);
    rtos_task_t *self = rtos_task_self();
    int self_ok = rtos_task_priority(self) == PRIO_CTRL && kstreq(rtos_task_name(self), "selftest");
    result("priorities", none_yet && by_prio && preempted && self_ok && got == 4,
           "(run order %u,%u,%u; higher-priority create preempts: %s; self: %s)", first, second, third,
           preempted ? "yes" : "no", self_ok ? "ok" : "wrong");
}

/* ------------------------------------------------------------ preemption */
static volatile int spinning, stop_spin, woke_during_spin;
static volatile rtos_tick_t wake_at, wake_due;

static void sleeper_task(void *arg)
{
    (void)arg;
    rtos_sleep_until(wake_due);
    wake_at = rtos_now();
    woke_during_spin = spinning;
    stop_spin = 1;
    finish();
}

static void spinner_task(void *arg)
{
    (void)arg;
    rtos_tick_t give_up = ms_from_now(200);
    spinning = 1;
    while (!stop_spin && (int64_t)(rtos_now() - give_up) < 0)
        cpu_relax();
    spinning = 0;
    finish();
}

static void check_preemption(void)
{
    spinning = stop_spin = woke_during_spin = 0;
    wake_due = ms_from_now(2);
    app_spawn("sleeper", sleeper_task, 0, 5);  /* runs at once, sleeps */
    app_spawn("spinner", spinner_task, 0, 20); /* runs once we block; never blocks itself */
    uint32_t got = wait_done(2, 500);
    uint64_t late_us = (wake_at - wake_due) * 1000000 / rtos_tsc_hz();
    result("preemption", got == 2 && woke_during_spin && (int64_t)(wake_at - wake_due) >= 0 && late_us < 1000,
           "(timer ISR woke the sleeper while a lower task spun: %s; %llu us after its deadline)",
           woke_during_spin ? "yes" : "no", late_us);
}

/* ------------------------------------------------------------ sleep_until */
static rtos_tick_t sleep_base;
static volatile int woke_early;

static void timed_task(void *arg)
{
    uint32_t ms = (uint32_t)arg;
    rtos_tick_t due = sleep_base + rtos_us_to_ticks(ms * 1000ull);
    rtos_sleep_until(due);
    if ((int64_t)(rtos_now() - due) < 0)
        woke_early = 1;
    record(ms);
    finish();
}

static void check_sleep_until(void)
{
    order_n = 0;
    woke_early = 0;
    sleep_base = ms_from_now(1);
    /* Same priority, created out of deadline order. */
    static const uint32_t ms[4] = {3, 1, 4, 2};
    for (int i = 0; i < 4; i++)
        app_spawn("timed", timed_task, (void *)ms[i], 15);
    uint32_t got = wait_done(4, 200);
    rtos_tick_t t0 = rtos_now();
    rtos_sleep_until(t0 - 1); /* in the past: returns at once */
    uint64_t past_us = (rtos_now() - t0) * 1000000 / rtos_tsc_hz();
    result("sleep_until", got == 4 && order_is(4, 1, 2, 3, 4) && !woke_early && past_us < 1000,
           "(wake order %u,%u,%u,%u; early wake: %s; past deadline returned in %llu us)", order[0], order[1],
           order[2], order[3], woke_early ? "yes" : "no", past_us);
}

/* ------------------------------------------------------------ periodic */
#define PERIODS 20
#define PERIOD_US 1000
static volatile uint32_t period_misses, overrun_misses;
static volatile rtos_tick_t first_wake, last_wake;

static void periodic_task(void *arg)
{
    (void)arg;
    struct rtos_period p;
    rtos_period_init(&p, PERIOD_US);
    for (int i = 0; i < PERIODS; i++) {
        period_misses += rtos_period_wait(&p);
        last_wake = rtos_now();
        if (i == 0)
            first_wake = last_wake;
    }
    /* One cycle that overruns by 2.5 periods must be reported. */
    tsc_delay_us(PERIOD_US * 5 / 2);
    overrun_misses = rtos_period_wait(&p);
    finish();
}

static void check_periodic(void)
{
    struct rtos_stats before, after;
    period_misses = overrun_misses = 0;
    rtos_get_stats(&before);
    app_spawn("periodic", periodic_task, 0, 6);
    uint32_t got = wait_done(1, 500);
    rtos_get_stats(&after);
    uint64_t span_us = (last_wake - first_wake) * 1000000 / rtos_tsc_hz();
    uint64_t want_us = (PERIODS - 1) * PERIOD_US;
    result("periodic", got == 1 && !period_misses && span_us + 50 >= want_us && span_us <= want_us + 300 &&
                           overrun_misses >= 2 && after.deadline_misses > before.deadline_misses,
           "(%u periods of %u us in %llu us, misses %u; overrun by 2.5 periods reported %u missed, kernel count +%llu)",
           PERIODS - 1, PERIOD_US, span_us, period_misses, overrun_misses,
           after.deadline_misses - before.deadline_misses);
}

/* ------------------------------------------------------------ semaphore */
#define SEM_ROUNDS 10
static rtos_sem_t work;
static volatile uint32_t taken, handed_over;

static void worker_task(void *arg)
{
    (void)arg;
    for (int i = 0; i < SEM_ROUNDS; i++)
        if (rtos_sem_take(&work, ms_from_now(50)) == RTOS_OK)
            taken++;
    finish();
}

/* Woken by the timer ISR each round; its give must hand the CPU straight
 * to the higher-priority worker. */
static void driver_task(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < SEM_ROUNDS; i++) {
        rtos_sleep_us(500);
        rtos_sem_give(&work);
        if (taken == i + 1)
            handed_over++;
    }
    finish();
}

static void check_semaphore(void)
{
    rtos_sem_t s;
    taken = handed_over = 0;
    rtos_sem_init(&work, 0);
    app_spawn("worker", worker_task, 0, 3);
    app_spawn("driver", driver_task, 0, 4);
    uint32_t got = wait_done(2, 500);
    rtos_sem_init(&s, 2);
    int counting = rtos_sem_take(&s, RTOS_NO_WAIT) == RTOS_OK && rtos_sem_take(&s, RTOS_NO_WAIT) == RTOS_OK &&
                   rtos_sem_take(&s, RTOS_NO_WAIT) == RTOS_EEMPTY;
    rtos_tick_t due = ms_from_now(1);
    int timeout = rtos_sem_take(&s, due) == RTOS_TIMEOUT && (int64_t)(rtos_now() - due) >= 0;
    result("semaphore", got == 2 && taken == SEM_ROUNDS && handed_over == SEM_ROUNDS && counting && timeout,
           "(%u/%u taken, %u handed over at once; count 2 then EEMPTY: %s; timeout: %s)", taken, SEM_ROUNDS,
           handed_over, counting ? "ok" : "wrong", timeout ? "ok" : "wrong");
}

/* ------------------------------------------------------------ mutex */
enum { ID_HIGH = 1, ID_MED = 2, ID_LOW = 3 };
static rtos_mutex_t mtx;
static rtos_sem_t locked;
static volatile unsigned low_prio_holding, low_prio_after;
static volatile int med_done, high_saw_med_done, high_rc;

static void low_task(void *arg)
{
    (void)arg;
    rtos_mutex_lock(&mtx, RTOS_FOREVER);
    rtos_sem_give(&locked); /* the controller preempts us here */
    /* Back only once the high task blocked on the mutex, with its
     * priority lent, or (no inheritance) after the medium one finished. */
    low_prio_holding = rtos_task_priority(rtos_task_self());
    rtos_mutex_unlock(&mtx);
    low_prio_after = rtos_task_priority(rtos_task_self());
    record(ID_LOW);
    finish();
}

static void med_task(void *arg)
{
    (void)arg;
    tsc_delay_us(5000); /* a CPU hog between the two */
    med_done = 1;
    record(ID_MED);
    finish();
}

static void high_task(void *arg)
{
    (void)arg;
    high_rc = rtos_mutex_lock(&mtx, ms_from_now(200));
    high_saw_med_done = med_done;
    record(ID_HIGH);
    if (high_rc == RTOS_OK)
        rtos_mutex_unlock(&mtx);
    finish();
}

static void check_mutex(void)
{
    order_n = 0;
    med_done = high_saw_med_done = 0;
    high_rc = -100;
    rtos_mutex_init(&mtx);
    rtos_sem_init(&locked, 0);
    app_spawn("low", low_task, 0, 20);
    int have = rtos_sem_take(&locked, ms_from_now(100)) == RTOS_OK;
    app_spawn("medium", med_task, 0, 12);
    app_spawn("high", high_task, 0, 5);
    uint32_t got = wait_done(3, 500);
    rtos_mutex_t other;
    rtos_mutex_init(&other);
    int eperm = rtos_mutex_unlock(&other) == RTOS_EPERM;
    result("mutex_inheritance",
           have && got == 3 && high_rc == RTOS_OK && low_prio_holding == 5 && low_prio_after == 20 &&
               !high_saw_med_done && order_is(3, ID_HIGH, ID_MED, ID_LOW, 0) && eperm,
           "(low ran at priority %u holding, %u after; high got it %s the medium hog; order %u,%u,%u; "
           "unlock by non-owner: %s)",
           low_prio_holding, low_prio_after, high_saw_med_done ? "after" : "before", order[0], order[1], order[2],
           eperm ? "EPERM" : "wrong");
}

/* ------------------------------------------------------------ queue */
#define QCAP 4
#define QMSGS 16
static rtos_queue_t q;
static uint32_t qstore[QCAP];
static volatile uint32_t put_ok, got_in_order;

static void producer_task(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < QMSGS; i++) /* blocks whenever the queue is full */
        if (rtos_queue_put(&q, &i, ms_from_now(100)) == RTOS_OK)
            put_ok++;
    finish();
}

static void consumer_task(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < QMSGS; i++) {
        uint32_t v;
        if (rtos_queue_get(&q, &v, ms_from_now(100)) == RTOS_OK && v == i)
            got_in_order++;
    }
    finish();
}

static void check_queue(void)
{
    put_ok = got_in_order = 0;
    int init = rtos_queue_init(&q, qstore, 0, QCAP) == RTOS_EINVAL &&
               rtos_queue_init(&q, qstore, sizeof qstore[0], QCAP) == RTOS_OK;
    app_spawn("producer", producer_task, 0, 7);
    app_spawn("consumer", consumer_task, 0, 9);
    uint32_t got = wait_done(2, 500);
    /* Overflow without a consumer: non-blocking puts fill it, then fail. */
    uint32_t fills = 0, v, drained = 0;
    for (uint32_t i = 100; i < 100 + QCAP; i++)
        fills += rtos_queue_put(&q, &i, RTOS_NO_WAIT) == RTOS_OK;
    uint32_t extra = 999, before = q.overflows;
    int full = rtos_queue_put(&q, &extra, RTOS_NO_WAIT) == RTOS_EFULL && q.overflows == before + 1;
    for (uint32_t i = 100; i < 100 + QCAP; i++)
        drained += rtos_queue_get(&q, &v, RTOS_NO_WAIT) == RTOS_OK && v == i;
    int empty = rtos_queue_get(&q, &v, RTOS_NO_WAIT) == RTOS_EEMPTY;
    rtos_tick_t due = ms_from_now(1);
    int timeout = rtos_queue_get(&q, &v, due) == RTOS_TIMEOUT && (int64_t)(rtos_now() - due) >= 0;
    result("queue",
           init && got == 2 && put_ok == QMSGS && got_in_order == QMSGS && fills == QCAP && full &&
               drained == QCAP && empty && timeout,
           "(%u/%u through a %u-slot queue in order; overflow: %s, %u overflows counted; empty: %s; timeout: %s)",
           got_in_order, QMSGS, QCAP, full ? "EFULL" : "wrong", q.overflows, empty ? "EEMPTY" : "wrong",
           timeout ? "ok" : "wrong");
}

/* ------------------------------------------------------------ controller */
static void check_stats(void)
{
    struct rtos_stats st;
    rtos_get_stats(&st);
    const volatile struct rtos_health *h = health_page();
    int magic = !memcmp((const void *)h->magic, RTOS_HEALTH_MAGIC, 8) && (uint32_t)h == RTOS_HEALTH_ADDR;
    result("stats_health", st.timer_interrupts > 0 && st.context_switches > 0 && magic && h->heartbeat > 0,
           "(%llu timer interrupts, %llu context switches; health page at 0x%x, heartbeat %llu)",
           st.timer_interrupts, st.context_switches, (uint32_t)h, h->heartbeat);
}

static void controller(void *arg)
{
    (void)arg;
    check_priorities();
    check_preemption();
    check_sleep_until();
    check_periodic();
    check_semaphore();
    check_mutex();
    check_queue();
    rtos_sleep_us(HEALTH_PERIOD_MS * 1000 + 1000); /* at least one health beat */
    check_stats();
    say("selftest: %u passed, %u failed", passed, failed);
    power_off(failed ? POWER_EXIT_FAIL : POWER_EXIT_PASS);
}

void selftest_start(void)
{
    rtos_sem_init(&done, 0);
    app_spawn("selftest", controller, 0, PRIO_CTRL);
}
