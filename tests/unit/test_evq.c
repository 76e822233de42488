/* Tests for rpc/evq.c, the bounded event queue behind HC_EVQ_*: creation
 * bounds, FIFO order across wrap-around, overflow counting (`overflows`
 * in all, `lost` on the next event got, then reset), sequence numbers,
 * sender stamping, delete. */
#include <string.h>

#include "rpc/evq.h"
#include "unit.h"

static struct evq q;

static struct vmrpc_event ev(uint32_t code)
{
    /* sender, lost and seq set to garbage: the queue must overwrite them */
    return (struct vmrpc_event){.data = {code * 10ull, ~(uint64_t)code}, .code = code, .sender = 77, .lost = 99, .seq = 55};
}

static void fresh(uint32_t capacity)
{
    memset(&q, 0xEE, sizeof q);
    CHECK_EQ(evq_create(&q, capacity), 0);
}

TEST(evq_create_bounds)
{
    memset(&q, 0, sizeof q);
    CHECK_EQ(evq_create(&q, 0), HV_EINVAL);
    CHECK(!q.live);
    CHECK_EQ(evq_create(&q, VMRPC_EVQ_MAX_CAPACITY + 1), HV_EINVAL);
    CHECK_EQ(evq_create(&q, 0xFFFFFFFFu), HV_EINVAL);
    CHECK(!q.live);
    CHECK_EQ(evq_create(&q, 1), 0);
    CHECK(q.live);
    CHECK_EQ(q.capacity, 1);
    CHECK_EQ(evq_create(&q, VMRPC_EVQ_MAX_CAPACITY), 0);
    CHECK_EQ(q.capacity, VMRPC_EVQ_MAX_CAPACITY);
    struct vmrpc_evq_info info;
    memset(&info, 0xEE, sizeof info);
    evq_info(&q, &info);
    CHECK_EQ(info.capacity, VMRPC_EVQ_MAX_CAPACITY);
    CHECK_EQ(info.count, 0);
    CHECK_EQ(info.puts, 0);
    CHECK_EQ(info.gets, 0);
    CHECK_EQ(info.overflows, 0);
    CHECK_EQ(info.reserved, 0);
}

TEST(evq_create_resets_counters_and_bumps_gen)
{
    fresh(2);
    struct vmrpc_event e = ev(1), out;
    CHECK_EQ(evq_put(&q, &e, 3), 0);
    CHECK_EQ(evq_put(&q, &e, 3), 0);
    CHECK_EQ(evq_put(&q, &e, 3), HV_EBUSY);
    uint32_t gen = q.gen;
    CHECK_EQ(evq_create(&q, 4), 0);
    CHECK_EQ(q.gen, gen + 1);
    CHECK_EQ(q.count, 0);
    CHECK_EQ(q.overflows, 0);
    CHECK_EQ(q.lost, 0);
    CHECK_EQ(evq_get(&q, &out), HV_EAGAIN);
}

TEST(evq_fifo_stamps_sender_seq_and_clears_lost)
{
    fresh(8);
    for (uint32_t i = 1; i <= 5; i++) {
        struct vmrpc_event e = ev(i);
        CHECK_EQ(evq_put(&q, &e, 100 + i), 0);
    }
    CHECK_EQ(q.count, 5);
    for (uint32_t i = 1; i <= 5; i++) {
        struct vmrpc_event out;
        memset(&out, 0xEE, sizeof out);
        CHECK_EQ(evq_get(&q, &out), 0);
        CHECK_EQ(out.code, i);
        CHECK_EQ(out.data[0], i * 10ull);
        CHECK_EQ(out.data[1], ~(uint64_t)i);
        CHECK_EQ(out.sender, 100 + i);
        CHECK_EQ(out.seq, i);
        CHECK_EQ(out.lost, 0);
    }
    struct vmrpc_event out;
    CHECK_EQ(evq_get(&q, &out), HV_EAGAIN);
    struct vmrpc_evq_info info;
    evq_info(&q, &info);
    CHECK_EQ(info.puts, 5);
    CHECK_EQ(info.gets, 5);
    CHECK_EQ(info.count, 0);
}

TEST(evq_wraps_around_in_order)
{
    fresh(3);
    uint32_t next_put = 1, next_get = 1;
    /* 50 rounds of 2 puts + 2 gets walk head across the ring many times */
    for (int round = 0; round < 50; round++) {
        for (int k = 0; k < 2; k++) {
            struct vmrpc_event e = ev(next_put);
            CHECK_EQ(evq_put(&q, &e, 1), 0);
            next_put++;
        }
        for (int k = 0; k < 2; k++) {
            struct vmrpc_event out;
            CHECK_EQ(evq_get(&q, &out), 0);
            CHECK_EQ(out.code, next_get);
            CHECK_EQ(out.seq, next_get);
            next_get++;
        }
        CHECK(q.head < q.capacity);
    }
    CHECK_EQ(q.puts, 100);
    CHECK_EQ(q.gets, 100);
    /* fill completely at an odd head, drain in order */
    struct vmrpc_event e = ev(1000), out;
    CHECK_EQ(evq_get(&q, &out), HV_EAGAIN);
    CHECK_EQ(evq_put(&q, &e, 1), 0);
    CHECK_EQ(evq_get(&q, &out), 0);
    for (uint32_t i = 0; i < 3; i++) {
        e = ev(2000 + i);
        CHECK_EQ(evq_put(&q, &e, 1), 0);
    }
    for (uint32_t i = 0; i < 3; i++) {
        CHECK_EQ(evq_get(&q, &out), 0);
        CHECK_EQ(out.code, 2000 + i);
    }
}

TEST(evq_overflow_counted_and_lost_on_next_get)
{
    fresh(2);
    struct vmrpc_event e1 = ev(1), e2 = ev(2), e3 = ev(3), out;
    CHECK_EQ(evq_put(&q, &e1, 5), 0);
    CHECK_EQ(evq_put(&q, &e2, 5), 0);
    CHECK_EQ(evq_put(&q, &e3, 5), HV_EBUSY);
    CHECK_EQ(evq_put(&q, &e3, 5), HV_EBUSY);
    CHECK_EQ(evq_put(&q, &e3, 5), HV_EBUSY);
    struct vmrpc_evq_info info;
    evq_info(&q, &info);
    CHECK_EQ(info.overflows, 3);
    CHECK_EQ(info.count, 2);
    CHECK_EQ(info.puts, 2); /* refused puts are not numbered */
    CHECK_EQ(evq_get(&q, &out), 0);
    CHECK_EQ(out.code, 1);
    CHECK_EQ(out.lost, 3);
    CHECK_EQ(evq_get(&q, &out), 0);
    CHECK_EQ(out.code, 2);
    CHECK_EQ(out.lost, 0); /* reported once */
    CHECK_EQ(evq_put(&q, &e3, 5), 0);
    CHECK_EQ(evq_get(&q, &out), 0);
    CHECK_EQ(out.code, 3);
    CHECK_EQ(out.seq, 3);
    CHECK_EQ(out.lost, 0);
    evq_info(&q, &info);
    CHECK_EQ(info.overflows, 3); /* the total stays */
    CHECK_EQ(info.gets, 3);
}

TEST(evq_capacity_one)
{
    fresh(1);
    struct vmrpc_event e = ev(9), out;
    for (uint32_t i = 1; i <= 4; i++) {
        CHECK_EQ(evq_put(&q, &e, 2), 0);
        CHECK_EQ(evq_put(&q, &e, 2), HV_EBUSY);
        CHECK_EQ(evq_get(&q, &out), 0);
        CHECK_EQ(out.seq, i);
        CHECK_EQ(out.lost, 1);
        CHECK_EQ(q.head, 0);
    }
}

TEST(evq_delete_empties_and_bumps_gen)
{
    fresh(4);
    struct vmrpc_event e = ev(1);
    CHECK_EQ(evq_put(&q, &e, 1), 0);
    uint32_t gen = q.gen;
    evq_delete(&q);
    CHECK(!q.live);
    CHECK_EQ(q.gen, gen + 1);
    CHECK_EQ(q.count, 0);
    CHECK_EQ(evq_create(&q, 4), 0);
    CHECK_EQ(q.gen, gen + 2);
    struct vmrpc_event out;
    CHECK_EQ(evq_get(&q, &out), HV_EAGAIN);
    CHECK_EQ(evq_put(&q, &e, 1), 0);
    CHECK_EQ(evq_get(&q, &out), 0);
    CHECK_EQ(out.seq, 1);
}
