/* Tests for the VMRPC event-queue hypercalls (rpc/evq_calls.c) on the
 * host, through rpc_hypercall() as a guest would make them (scene in
 * rpc_fixture.h): create only by the module's server, put and get by
 * both sides, overflow counted and reported, polling and blocking gets
 * (timeout, interrupt, woken by a put from another CPU), hostile
 * arguments, unregister and the server's stop. */
#include "rpc_fixture.h"

static struct vmrpc_event *ev_at(uint32_t part, uint32_t i) { return H(part, O_EV + 32ull * i); }

/* HC_EVQ_PUT of an event with code and data {code, ~code}, built at O_EV. */
static int64_t put(uint32_t part, uint32_t desc, uint32_t q, uint32_t code)
{
    *ev_at(part, 0) = (struct vmrpc_event){.data = {code, ~(uint64_t)code}, .code = code, .sender = 99, .lost = 99, .seq = 99};
    return hc(part, HC_EVQ_PUT, desc, q, G(O_EV), 0, 0);
}

/* HC_EVQ_GET into O_EV + 32 (pre-filled with 0xEE). */
static int64_t get(uint32_t part, uint32_t desc, uint32_t q, uint64_t timeout_us)
{
    memset(ev_at(part, 1), 0xEE, 32);
    return hc(part, HC_EVQ_GET, desc, q, G(O_EV + 32), timeout_us, 0);
}

static struct vmrpc_evq_info *info(uint32_t part, uint32_t desc, uint32_t q, int64_t *r)
{
    memset(H(part, O_INFO), 0xEE, sizeof(struct vmrpc_evq_info));
    *r = hc(part, HC_EVQ_INFO, desc, q, G(O_INFO), sizeof(struct vmrpc_evq_info), 0);
    return H(part, O_INFO);
}

/* srv serves "evt" (descriptor 0), cli binds it (descriptor 0). */
static void evq_scene(void)
{
    fx_setup();
    CHECK_EQ(reg(SRV, "evt", 1, 1, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(bind(CLI, "srv/evt", V10), 0);
}

TEST(rpc_evq_create_only_by_server)
{
    evq_scene();
    CHECK_EQ(hc(CLI, HC_EVQ_CREATE, 0, 4, 0, 0, 0), HV_EBADF); /* a client's binding */
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 1, 4, 0, 0, 0), HV_EBADF);
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 0, 0, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, VMRPC_EVQ_MAX_CAPACITY + 1, 0, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 1ull << 32 | 4, 0, 0, 0), HV_EINVAL);
    for (int64_t q = 0; q < VMRPC_MAX_QUEUES; q++)
        CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, q + 1, 0, 0, 0), q);
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 1, 0, 0, 0), HV_ENOMEM);
    CHECK_EQ(hc(CLI, HC_EVQ_DELETE, 0, 1, 0, 0, 0), HV_EBADF); /* only the server deletes */
    CHECK_EQ(hc(SRV, HC_EVQ_DELETE, 0, 1, 0, 0, 0), 0);
    CHECK_EQ(hc(SRV, HC_EVQ_DELETE, 0, 1, 0, 0, 0), HV_ENOENT);
    CHECK_EQ(hc(SRV, HC_EVQ_DELETE, 0, VMRPC_MAX_QUEUES, 0, 0, 0), HV_ENOENT);
    CHECK_EQ(hc(SRV, HC_EVQ_DELETE, 0, ~0ull, 0, 0, 0), HV_ENOENT);
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, VMRPC_EVQ_MAX_CAPACITY, 0, 0, 0), 1);
    int64_t r;
    struct vmrpc_evq_info *in = info(CLI, 0, 1, &r);
    CHECK_EQ(r, 0);
    CHECK_EQ(in->capacity, VMRPC_EVQ_MAX_CAPACITY);
    CHECK_EQ(in->count, 0);
    CHECK_EQ(in->reserved, 0);
    FX_DONE();
}

TEST(rpc_evq_put_get_both_ways)
{
    evq_scene();
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 8, 0, 0, 0), 0);
    CHECK_EQ(put(CLI, 0, 0, 11), 0);
    CHECK_EQ(put(SRV, 0, 0, 12), 0);
    CHECK_EQ(bind(OTH, "srv/echo", V10), HV_ENOENT); /* oth is not bound to evt: no way in */
    CHECK_EQ(get(SRV, 0, 0, 0), 0);
    struct vmrpc_event *e = ev_at(SRV, 1);
    CHECK_EQ(e->code, 11);
    CHECK_EQ(e->data[0], 11);
    CHECK_EQ(e->data[1], ~11ull);
    CHECK_EQ(e->sender, CLI);
    CHECK_EQ(e->seq, 1);
    CHECK_EQ(e->lost, 0);
    CHECK_EQ(get(CLI, 0, 0, 0), 0);
    e = ev_at(CLI, 1);
    CHECK_EQ(e->code, 12);
    CHECK_EQ(e->sender, SRV);
    CHECK_EQ(e->seq, 2);
    CHECK_EQ(get(CLI, 0, 0, 0), HV_EAGAIN);
    CHECK(all_bytes(ev_at(CLI, 1), 0xEE, 32)); /* nothing written on HV_EAGAIN */
    CHECK_EQ(fake_ipi_count, 0); /* event queues ring no doorbell */
    int64_t r;
    struct vmrpc_evq_info *in = info(SRV, 0, 0, &r);
    CHECK_EQ(r, 0);
    CHECK_EQ(in->puts, 2);
    CHECK_EQ(in->gets, 2);
    CHECK_EQ(in->count, 0);
    CHECK_EQ(in->overflows, 0);
    FX_DONE();
}

TEST(rpc_evq_overflow_counted_and_reported)
{
    evq_scene();
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 2, 0, 0, 0), 0);
    CHECK_EQ(put(CLI, 0, 0, 1), 0);
    CHECK_EQ(put(CLI, 0, 0, 2), 0);
    CHECK_EQ(put(CLI, 0, 0, 3), HV_EBUSY);
    CHECK_EQ(put(SRV, 0, 0, 4), HV_EBUSY);
    int64_t r;
    struct vmrpc_evq_info *in = info(CLI, 0, 0, &r);
    CHECK_EQ(r, 0);
    CHECK_EQ(in->capacity, 2);
    CHECK_EQ(in->count, 2);
    CHECK_EQ(in->puts, 2);
    CHECK_EQ(in->overflows, 2);
    CHECK_EQ(get(SRV, 0, 0, 0), 0);
    CHECK_EQ(ev_at(SRV, 1)->code, 1);
    CHECK_EQ(ev_at(SRV, 1)->lost, 2);
    CHECK_EQ(get(SRV, 0, 0, 0), 0);
    CHECK_EQ(ev_at(SRV, 1)->code, 2);
    CHECK_EQ(ev_at(SRV, 1)->lost, 0);
    CHECK_EQ(put(CLI, 0, 0, 5), 0);
    CHECK_EQ(get(CLI, 0, 0, 0), 0);
    CHECK_EQ(ev_at(CLI, 1)->seq, 3);
    in = info(SRV, 0, 0, &r);
    CHECK_EQ(in->overflows, 2);
    CHECK_EQ(in->gets, 3);
    FX_DONE();
}

TEST(rpc_evq_blocking_get_times_out_or_is_interrupted)
{
    evq_scene();
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 2, 0, 0, 0), 0);
    uint64_t t0 = fake_tsc;
    CHECK_EQ(get(CLI, 0, 0, 500), HV_ETIMEDOUT);
    CHECK(fake_tsc - t0 >= 500 * FAKE_TICKS_PER_US);
    CHECK(fake_tsc - t0 < 500 * FAKE_TICKS_PER_US + 10 * fake_tsc_step);
    CHECK(fake_wait_ticks[CLI] > 0);
    CHECK(all_bytes(ev_at(CLI, 1), 0xEE, 32));
    t0 = fake_tsc;
    CHECK_EQ(get(CLI, 0, 0, 0), HV_EAGAIN); /* poll */
    CHECK(fake_tsc - t0 < 10 * fake_tsc_step);
    fake_irq = true;
    CHECK_EQ(get(CLI, 0, 0, 1000), HV_EINTR);
    CHECK(fake_tsc - t0 < 10 * fake_tsc_step);
    fake_irq = false;
    /* "forever" (all ones) ends only with an interrupt */
    fake_irq_at_relax = fake_relaxes + 5000;
    CHECK_EQ(get(SRV, 0, 0, 0xFFFFFFFFull), HV_EINTR);
    CHECK_EQ(fake_relaxes, fake_irq_at_relax);
    fake_irq = false;
    fake_irq_at_relax = fake_relaxes + 5000;
    CHECK_EQ(get(SRV, 0, 0, ~0ull), HV_EINTR);
    fake_irq = false;
    /* an event there: no wait, whatever the timeout */
    CHECK_EQ(put(SRV, 0, 0, 9), 0);
    uint64_t relaxes = fake_relaxes;
    CHECK_EQ(get(CLI, 0, 0, 0xFFFFFFFFull), 0);
    CHECK_EQ(ev_at(CLI, 1)->code, 9);
    CHECK_EQ(fake_relaxes, relaxes);
    FX_DONE();
}

/* Another CPU of srv puts an event while cli waits in a blocking get. */
struct putter {
    int runs;
    int64_t put;
};

static void putter_cpu(void *ctx)
{
    struct putter *p = ctx;
    if (p->runs++ == 20)
        p->put = put(SRV, 0, 0, 77);
}

TEST(rpc_evq_blocking_get_woken_by_put)
{
    evq_scene();
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 2, 0, 0, 0), 0);
    struct putter p = {.put = 1};
    fake_relax_hook = putter_cpu;
    fake_relax_ctx = &p;
    CHECK_EQ(get(CLI, 0, 0, 1000000), 0);
    CHECK_EQ(p.put, 0);
    CHECK_EQ(p.runs, 21); /* returned at the first look after the put */
    CHECK_EQ(ev_at(CLI, 1)->code, 77);
    CHECK_EQ(ev_at(CLI, 1)->sender, SRV);
    FX_DONE();
}

/* The server unregisters while a client waits in a blocking get. */
static void unregister_cpu(void *ctx)
{
    int *runs = ctx;
    if ((*runs)++ == 5)
        CHECK_EQ(hc(SRV, HC_RPC_UNREGISTER, 0, 0, 0, 0, 0), 0);
}

TEST(rpc_evq_blocked_get_ends_on_unregister)
{
    evq_scene();
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 2, 0, 0, 0), 0);
    int runs = 0;
    fake_relax_hook = unregister_cpu;
    fake_relax_ctx = &runs;
    CHECK_EQ(get(CLI, 0, 0, 0xFFFFFFFFull), HV_EPIPE);
    CHECK_EQ(runs, 6);
    FX_DONE();
}

TEST(rpc_evq_rejects_hostile_arguments)
{
    evq_scene();
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 2, 0, 0, 0), 0);
    *ev_at(CLI, 0) = (struct vmrpc_event){.code = 1};
    /* event address: unaligned, outside, straddling the end */
    CHECK_EQ(hc(CLI, HC_EVQ_PUT, 0, 0, G(O_EV) + 4, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(CLI, HC_EVQ_PUT, 0, 0, G(RAM), 0, 0), HV_EFAULT);
    CHECK_EQ(hc(CLI, HC_EVQ_PUT, 0, 0, G(RAM) - 24, 0, 0), HV_EFAULT);
    CHECK_EQ(hc(CLI, HC_EVQ_PUT, 0, 0, G(0) - 8, 0, 0), HV_EFAULT);
    CHECK_EQ(hc(CLI, HC_EVQ_GET, 0, 0, G(O_EV) + 4, 0, 0), HV_EINVAL);
    CHECK_EQ(hc(CLI, HC_EVQ_GET, 0, 0, G(RAM) - 24, 0, 0), HV_EFAULT);
    CHECK_EQ(hc(CLI, HC_EVQ_GET, 0, 0, ~0ull - 7, 0, 0), HV_EFAULT);
    /* queue numbers and descriptors */
    CHECK_EQ(put(CLI, 0, 1, 1), HV_ENOENT);
    CHECK_EQ(put(CLI, 0, VMRPC_MAX_QUEUES, 1), HV_ENOENT);
    CHECK_EQ(put(CLI, 0, 0xFFFFFFFFu, 1), HV_ENOENT);
    CHECK_EQ(put(CLI, 1, 0, 1), HV_EBADF);
    CHECK_EQ(put(CLI, 16, 0, 1), HV_EBADF);
    CHECK_EQ(put(OTH, 0, 0, 1), HV_EBADF);
    CHECK_EQ(get(CLI, 0, 3, 0), HV_ENOENT);
    CHECK_EQ(get(CLI, 7, 0, 0), HV_EBADF);
    CHECK_EQ(get(CLI, 0, 3, 1000), HV_ENOENT); /* errors come at once, not after the timeout */
    /* info */
    CHECK_EQ(hc(CLI, HC_EVQ_INFO, 0, 0, G(O_INFO), sizeof(struct vmrpc_evq_info) - 1, 0), HV_EINVAL);
    CHECK_EQ(hc(CLI, HC_EVQ_INFO, 0, 0, G(O_INFO) + 4, sizeof(struct vmrpc_evq_info), 0), HV_EINVAL);
    CHECK_EQ(hc(CLI, HC_EVQ_INFO, 0, 0, G(RAM) - 16, sizeof(struct vmrpc_evq_info), 0), HV_EFAULT);
    CHECK_EQ(hc(CLI, HC_EVQ_INFO, 0, 2, G(O_INFO), sizeof(struct vmrpc_evq_info), 0), HV_ENOENT);
    CHECK_EQ(hc(CLI, HC_EVQ_INFO, 4, 0, G(O_INFO), sizeof(struct vmrpc_evq_info), 0), HV_EBADF);
    int64_t r;
    struct vmrpc_evq_info *in = info(CLI, 0, 0, &r);
    CHECK_EQ(r, 0);
    CHECK_EQ(in->puts, 0);
    CHECK_EQ(in->overflows, 0);
    FX_DONE();
}

TEST(rpc_evq_gone_with_module)
{
    evq_scene();
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 2, 0, 0, 0), 0);
    CHECK_EQ(put(CLI, 0, 0, 1), 0);
    CHECK_EQ(hc(SRV, HC_EVQ_DELETE, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(put(CLI, 0, 0, 2), HV_ENOENT);
    CHECK_EQ(get(CLI, 0, 0, 0), HV_ENOENT);
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 2, 0, 0, 0), 0);
    CHECK_EQ(get(CLI, 0, 0, 0), HV_EAGAIN); /* a new queue: the old event is gone */
    CHECK_EQ(put(CLI, 0, 0, 3), 0);
    CHECK_EQ(hc(SRV, HC_RPC_UNREGISTER, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(put(CLI, 0, 0, 4), HV_EPIPE);
    CHECK_EQ(get(CLI, 0, 0, 0), HV_EPIPE);
    int64_t r;
    info(CLI, 0, 0, &r);
    CHECK_EQ(r, HV_EPIPE);
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 2, 0, 0, 0), HV_EBADF);
    /* registered again: queues start empty, the old binding stays stale */
    CHECK_EQ(reg(SRV, "evt", 1, 1, 128, VMRPC_RECV_DOORBELL, O_RING), 0);
    CHECK_EQ(put(CLI, 0, 0, 5), HV_EPIPE);
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 2, 0, 0, 0), 0);
    CHECK_EQ(get(SRV, 0, 0, 0), HV_EAGAIN);
    FX_DONE();
}

TEST(rpc_evq_server_stopped)
{
    evq_scene();
    CHECK_EQ(hc(SRV, HC_EVQ_CREATE, 0, 2, 0, 0, 0), 0);
    CHECK_EQ(put(SRV, 0, 0, 1), 0);
    CHECK_EQ(call_async(CLI, 0, 0, 0, O_REQ, 1, O_RESP, 8), 0);
    partition_table[SRV].state = PART_STOPPED;
    rpc_partition_stopped(&partition_table[SRV]);
    CHECK_EQ(async_of(CLI, 0)->result, HV_EPIPE);
    CHECK_EQ(async_of(CLI, 0)->done, 1);
    CHECK_EQ(get(CLI, 0, 0, 0), HV_EPIPE);
    CHECK_EQ(put(CLI, 0, 0, 2), HV_EPIPE);
    CHECK_EQ(hc(CLI, HC_RPC_UNBIND, 0, 0, 0, 0, 0), 0);
    /* the stopped server's descriptors are closed */
    CHECK_EQ(hc(SRV, HC_EVQ_GET, 0, 0, G(O_EV), 1000, 0), HV_EBADF);
    FX_DONE();
}
