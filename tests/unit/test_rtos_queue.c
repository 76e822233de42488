/* Tests for the RTOS message queues, on the host port (rtos_host_port.c;
 * see test_rtos_sched.c for the method). */
#include <string.h>

#include "partitions/rtos/include/rtos.h"
#include "tests/unit/rtos_host_port.h"
#include "unit.h"

static uint8_t stack[RTOS_MAX_TASKS][256]; /* the host port runs tasks on its own stacks */

struct msg {
    uint32_t seq;
    char text[12];
};

static rtos_queue_t q;
static struct msg storage[8];

static void setup(uint32_t capacity)
{
    host_reset(1000000);
    memset(storage, 0xAA, sizeof storage);
    CHECK_EQ(rtos_queue_init(&q, storage, sizeof(struct msg), capacity), RTOS_OK);
}

static rtos_task_t *spawn(const char *name, rtos_entry_t fn, void *arg, unsigned prio)
{
    static unsigned next;
    return rtos_task_create(name, fn, arg, prio, stack[next++ % RTOS_MAX_TASKS], sizeof stack[0]);
}

static unsigned long long now(void)
{
    return (unsigned long long)rtos_now();
}

static int put(uint32_t seq, rtos_tick_t deadline)
{
    struct msg m = {.seq = seq};
    snprintf(m.text, sizeof m.text, "m%u", (unsigned)seq);
    return rtos_queue_put(&q, &m, deadline);
}

TEST(queue_init_checks)
{
    host_reset(1000000);
    CHECK_EQ(rtos_queue_init(&q, NULL, 4, 4), RTOS_EINVAL);
    CHECK_EQ(rtos_queue_init(&q, storage, 0, 4), RTOS_EINVAL);
    CHECK_EQ(rtos_queue_init(&q, storage, 4, 0), RTOS_EINVAL);
    CHECK_EQ(rtos_queue_init(NULL, storage, 4, 4), RTOS_EINVAL);
}

TEST(queue_fifo_with_wraparound)
{
    setup(3);
    struct msg m;
    uint32_t expect = 1, next = 1;
    for (int round = 0; round < 5; round++) { /* 2 in, 2 out: the ring wraps */
        CHECK_EQ(put(next++, RTOS_NO_WAIT), RTOS_OK);
        CHECK_EQ(put(next++, RTOS_NO_WAIT), RTOS_OK);
        for (int i = 0; i < 2; i++) {
            CHECK_EQ(rtos_queue_get(&q, &m, RTOS_NO_WAIT), RTOS_OK);
            CHECK_EQ(m.seq, expect);
            expect++;
        }
    }
    CHECK_EQ(rtos_queue_get(&q, &m, RTOS_NO_WAIT), RTOS_EEMPTY);
    CHECK_EQ(q.count, 0);
    CHECK_EQ(q.overflows, 0);
    /* Messages stay within their slots: the ring's spare bytes are untouched. */
    CHECK_EQ(((uint8_t *)&storage[3])[0], 0xAA);
}

TEST(queue_full_no_wait_counts_overflows)
{
    setup(2);
    CHECK_EQ(put(1, RTOS_NO_WAIT), RTOS_OK);
    CHECK_EQ(put(2, RTOS_NO_WAIT), RTOS_OK);
    CHECK_EQ(put(3, RTOS_NO_WAIT), RTOS_EFULL);
    CHECK_EQ(put(4, RTOS_NO_WAIT), RTOS_EFULL);
    CHECK_EQ(q.overflows, 2);
    host_advance_time(100);
    CHECK_EQ(put(5, 50), RTOS_TIMEOUT); /* past deadline: a timeout, not an overflow */
    CHECK_EQ(q.overflows, 2);
    struct msg m;
    CHECK_EQ(rtos_queue_get(&q, &m, RTOS_NO_WAIT), RTOS_OK);
    CHECK_EQ(m.seq, 1);
    CHECK_EQ(rtos_queue_get(&q, &m, RTOS_NO_WAIT), RTOS_OK);
    CHECK_EQ(m.seq, 2);
}

static void reader(void *arg)
{
    struct msg m;
    int r = rtos_queue_get(&q, &m, (uintptr_t)arg);
    if (r == RTOS_OK)
        host_tr("%s:%s@%llu", rtos_task_name(rtos_task_self()), m.text, now());
    else
        host_tr("%s:%d@%llu", rtos_task_name(rtos_task_self()), r, now());
}

static void writer(void *arg)
{
    uint32_t n = (uint32_t)(uintptr_t)arg;
    host_advance_time(10);
    for (uint32_t i = 1; i <= n; i++) {
        host_tr("put%u", (unsigned)i);
        CHECK_EQ(put(i, RTOS_FOREVER), RTOS_OK);
    }
    host_tr("w-end");
}

TEST(queue_blocking_readers_woken_by_priority)
{
    setup(4);
    spawn("r7", reader, (void *)RTOS_FOREVER, 7);
    spawn("r2", reader, (void *)RTOS_FOREVER, 2);
    spawn("w", writer, (void *)3, 9);
    host_run(RTOS_FOREVER);
    /* Each put hands its message to the best reader, which runs at once. */
    CHECK_STR(host_trace, "put1 r2:m1@10 put2 r7:m2@10 put3 w-end ");
    CHECK_EQ(q.count, 1);
}

static void slow_reader(void *arg)
{
    (void)arg;
    struct msg m;
    rtos_sleep_until(100);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(rtos_queue_get(&q, &m, RTOS_FOREVER), RTOS_OK);
        host_tr("got:%s", m.text);
    }
}

TEST(queue_blocking_writer_woken_by_reader)
{
    setup(2);
    spawn("w", writer, (void *)4, 1);
    spawn("r", slow_reader, NULL, 5);
    host_run(RTOS_FOREVER);
    /* put3 blocks (full); the first get takes m1 and moves m3 into the
     * ring, waking the writer, which preempts the reader and blocks on put4
     * until the next get. */
    CHECK_STR(host_trace, "put1 put2 put3 put4 got:m1 w-end got:m2 got:m3 got:m4 ");
    CHECK_EQ(q.overflows, 0);
}

static void timed_writer(void *arg)
{
    (void)arg;
    CHECK_EQ(put(1, RTOS_NO_WAIT), RTOS_OK); /* straight to the waiting reader */
    CHECK_EQ(put(2, RTOS_NO_WAIT), RTOS_OK); /* fills the ring */
    int r = put(3, 300);
    host_tr("put:%d@%llu", r, now());
}

TEST(queue_put_timeout_when_full)
{
    setup(1);
    spawn("r", reader, (void *)200, 1);
    spawn("w", timed_writer, NULL, 2);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "r:m1@0 put:-1@300 ");
    CHECK(q.writers.head == NULL);
    CHECK_EQ(q.count, 1);
    CHECK_EQ(q.overflows, 0);
}

TEST(queue_get_timeout_when_empty)
{
    setup(1);
    spawn("r", reader, (void *)250, 1);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "r:-1@250 ");
    CHECK(q.readers.head == NULL);
    CHECK_EQ(host_timer_deadline(), 0);
}

static void isr_put(void *arg)
{
    (void)arg;
    CHECK_EQ(put(42, RTOS_NO_WAIT), RTOS_OK);
    host_tr("isr-end");
}

static void isr_raiser(void *arg)
{
    (void)arg;
    host_advance_time(5);
    host_isr(isr_put, NULL);
    host_tr("L-after");
}

TEST(queue_put_from_isr_wakes_reader)
{
    setup(2);
    spawn("r", reader, (void *)RTOS_FOREVER, 1);
    spawn("L", isr_raiser, NULL, 9);
    host_run(RTOS_FOREVER);
    CHECK_STR(host_trace, "isr-end r:m42@5 L-after ");
}
