/* VMRPC calls: submission (synchronous or asynchronous), delivery into the
 * server's ring, reply, reply-and-wait, completion. Each payload is copied
 * once, by the hypervisor, between the two partitions' RAM: the request
 * by the caller's CPU into the ring, the response by the server's CPU out
 * of it. Copies run outside rpc_lock; a slot being copied is marked so
 * that nobody else touches it. */
#include "hv/string.h"
#include "rpc/rpc_arch.h"
#include "rpc/rpc_internal.h"

static struct vmrpc_slot *ring_slot(const struct rpc_module *m, uint32_t s)
{
    return (struct vmrpc_slot *)(m->ring + (size_t)s * m->slot_size);
}

static uint32_t slot_capacity(const struct rpc_module *m) { return m->slot_size - (uint32_t)sizeof(struct vmrpc_slot); }

/* What a call asks for, validated against the caller's RAM. */
struct call_req {
    uint64_t desc, proc;
    uint64_t req_gpa, resp_gpa, async_gpa;
    uint64_t req_len, resp_cap; /* as the guest gave them; check_buffers bounds them */
    const void *req;
    struct rpc_waiter *waiter;
};

static int64_t check_buffers(const struct partition *p, struct call_req *r)
{
    if (r->req_len > VMRPC_MAX_MSG)
        return HV_EMSGSIZE;
    if (r->resp_cap > VMRPC_MAX_MSG)
        r->resp_cap = VMRPC_MAX_MSG; /* no response is longer */
    r->req = r->req_len ? rpc_guest(p, r->req_gpa, r->req_len) : NULL;
    if (r->req_len && !r->req)
        return HV_EFAULT;
    if (r->resp_cap && !rpc_guest(p, r->resp_gpa, r->resp_cap))
        return HV_EFAULT;
    return 0;
}

/* Completes call k of m with result: the synchronous caller wakes, or the
 * asynchronous one finds result and done in its descriptor and gets its
 * interrupt. Under rpc_lock. */
static void complete(struct rpc_call *k, int32_t result)
{
    struct rpc_desc *e = k->client_desc < VMRPC_MAX_DESCS ? &rpc_parties[k->client->id].desc[k->client_desc] : NULL;
    if (e && e->kind == DESC_BIND && e->pending)
        e->pending--;
    if (k->waiter) {
        k->waiter->result = result;
        __atomic_store_n(&k->waiter->done, 1, __ATOMIC_RELEASE);
    } else if (k->async_gpa) {
        struct vmrpc_async *a = rpc_guest(k->client, k->async_gpa, sizeof *a);
        a->result = result;
        __atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
        uint8_t vector = partition_rpc_vector(k->client);
        if (vector)
            rpc_arch_send_ipi(partition_rpc_apic(k->client, k->client_apic), vector);
    }
    k->state = SLOT_FREE;
}

void rpc_calls_abort(struct rpc_module *m, int32_t result)
{
    for (uint32_t s = 0; s < m->slot_count; s++)
        if (m->calls[s].state != SLOT_FREE)
            complete(&m->calls[s], result);
}

/* Under rpc_lock: a free slot of the bound module, claimed for r. */
static int64_t claim_slot(const struct rpc_caller *c, const struct call_req *r, struct rpc_module **mp)
{
    int64_t err = 0;
    struct rpc_module *m = rpc_desc_module(c->p, r->desc, DESC_BIND, &err);
    if (!m)
        return err;
    if (r->proc >= m->proc_count)
        return HV_EINVAL;
    if (r->req_len > slot_capacity(m))
        return HV_EMSGSIZE;
    for (uint32_t s = 0; s < m->slot_count; s++) {
        struct rpc_call *k = &m->calls[s];
        if (k->state == SLOT_SERVING && k->abandoned && ring_slot(m, s)->state == VMRPC_SLOT_REPLIED)
            complete(k, HV_ETIMEDOUT); /* answered without an exit after its caller gave up */
        if (k->state != SLOT_FREE)
            continue;
        *k = (struct rpc_call){.state = SLOT_COPYING, .seq = ++m->seq, .client = c->p, .client_desc = (uint32_t)r->desc,
                               .client_apic = c->apic_id, .resp_cap = (uint32_t)r->resp_cap, .resp_gpa = r->resp_gpa,
                               .async_gpa = r->async_gpa, .waiter = r->waiter};
        m->copying++;
        rpc_parties[c->p->id].desc[r->desc].pending++;
        *mp = m;
        return s;
    }
    return HV_EBUSY; /* the module's queue is full: back-pressure, not loss */
}

/* Writes request and header into slot s (state is set by publish). */
static void fill_slot(struct rpc_module *m, uint32_t s, const struct rpc_caller *c, const struct call_req *r)
{
    struct vmrpc_slot *slot = ring_slot(m, s);
    if (r->req_len)
        memcpy(slot->data, r->req, r->req_len);
    slot->proc = (uint32_t)r->proc;
    slot->req_len = (uint32_t)r->req_len;
    slot->resp_cap = (uint32_t)r->resp_cap;
    slot->client_id = c->p->id;
    slot->seq = m->calls[s].seq;
    slot->flags = r->waiter ? 0 : VMRPC_SLOT_ASYNC;
}

/* Under rpc_lock: the filled slot s goes to the server. The guest sees
 * VMRPC_SLOT_REQUEST only now: a server polling its ring may answer at
 * once, and its reply must find the call SLOT_SERVING. */
static void publish(struct rpc_module *m, uint32_t s)
{
    __atomic_store_n(&ring_slot(m, s)->state, VMRPC_SLOT_REQUEST, __ATOMIC_RELEASE);
    m->calls[s].state = m->mode == VMRPC_RECV_WAIT ? SLOT_QUEUED : SLOT_SERVING;
    __atomic_store_n(&m->copying, m->copying - 1, __ATOMIC_RELEASE);
}

/* Requests up to this size are copied under rpc_lock: cheaper than
 * taking it twice. */
#define COPY_UNDER_LOCK_MAX 256

/* Claims a slot, copies the request into it and hands it to the server
 * (doorbell, poll) or queues it for a waiting server vCPU. Returns the
 * slot or an error. */
static int64_t submit(const struct rpc_caller *c, const struct call_req *r, struct rpc_module **mp)
{
    spin_lock(&rpc_lock);
    int64_t s = claim_slot(c, r, mp);
    struct rpc_module *m = *mp;
    if (s >= 0 && r->req_len <= COPY_UNDER_LOCK_MAX) {
        fill_slot(m, (uint32_t)s, c, r);
    } else {
        spin_unlock(&rpc_lock);
        if (s < 0)
            return s;
        fill_slot(m, (uint32_t)s, c, r);
        spin_lock(&rpc_lock);
    }
    publish(m, (uint32_t)s);
    bool doorbell = m->mode == VMRPC_RECV_DOORBELL;
    uint32_t apic = partition_rpc_apic(m->server, m->server_apic);
    uint8_t vector = partition_rpc_vector(m->server);
    spin_unlock(&rpc_lock);
    if (doorbell && vector)
        rpc_arch_send_ipi(apic, vector);
    return s;
}

/* What a synchronous caller watches: its completion, or the slot's
 * state turning VMRPC_SLOT_REPLIED (the server's exit-free reply). */
struct sync_wait {
    struct rpc_waiter *w;
    const volatile uint32_t *slot_state;
};

static bool replied_or_done(void *ctx)
{
    const struct sync_wait *sw = ctx;
    return __atomic_load_n(&sw->w->done, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(sw->slot_state, __ATOMIC_ACQUIRE) == VMRPC_SLOT_REPLIED;
}

static int64_t deliver_response(struct rpc_module *m, uint32_t s, int32_t result);
static int32_t reply_result(const struct rpc_call *k, int32_t status, uint64_t len);

/* The server marked our slot REPLIED: take its status and length (read
 * once, checked) and deliver, unless somebody completed the call first.
 * Returns with the call completed (w->done). */
static void collect_exit_free_reply(struct rpc_module *m, uint32_t s, const struct rpc_waiter *w)
{
    spin_lock(&rpc_lock);
    struct rpc_call *k = &m->calls[s];
    if (!w->done && k->waiter == w && k->state == SLOT_QUEUED) {
        complete(k, HV_EPROTO); /* "replied" to a call it was never handed */
        spin_unlock(&rpc_lock);
        return;
    }
    if (w->done || k->waiter != w || k->state != SLOT_SERVING) {
        spin_unlock(&rpc_lock);
        while (!__atomic_load_n(&w->done, __ATOMIC_ACQUIRE)) /* an HC_RPC_REPLY is delivering it */
            rpc_arch_relax();
        return;
    }
    const volatile struct vmrpc_slot *slot = ring_slot(m, s);
    int32_t status = slot->status;
    uint32_t len = slot->resp_len;
    int32_t result = status >= 0 && len > slot_capacity(m) ? HV_EPROTO : reply_result(k, status, len);
    deliver_response(m, s, result); /* releases rpc_lock */
}

/* The synchronous caller's wait for slot s ended without an answer
 * (deadline, its partition stopping). Returns false when the call is
 * abandoned: from then on nothing writes the caller's buffers, so it may
 * return its error. Returns true when the call completed meanwhile (w
 * done): a server CPU may be copying the response into the caller's
 * buffer right now (SLOT_COPYING, outside rpc_lock); returning
 * HV_ETIMEDOUT during that copy would hand the guest a buffer still
 * being written, so the caller waits for the copy, which is bounded
 * (at most VMRPC_MAX_MSG bytes, by a CPU in root mode), and takes the
 * reply. */
static bool give_up(const struct rpc_caller *c, struct rpc_module *m, uint32_t s, struct rpc_waiter *w)
{
    spin_lock(&rpc_lock);
    struct rpc_call *k = &m->calls[s];
    bool ours = !__atomic_load_n(&w->done, __ATOMIC_ACQUIRE) && k->waiter == w;
    bool copying = ours && k->state == SLOT_COPYING;
    if (ours && !copying) { /* abandon it: a late reply must not write here */
        k->waiter = NULL;
        k->abandoned = true;
        rpc_parties[c->p->id].desc[k->client_desc].pending--; /* the binding may be closed now */
        k->client_desc = VMRPC_MAX_DESCS;
    }
    spin_unlock(&rpc_lock);
    if (copying)
        while (!__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
            rpc_arch_relax();
    return __atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
}

int64_t rpc_call_sync(const struct rpc_caller *c, const uint64_t arg[RPC_ARGS])
{
    if (arg[0] >> 32)
        return HV_EINVAL;
    struct rpc_waiter w = {0};
    struct call_req r = {.desc = arg[0] & 0xFFFF, .proc = (arg[0] >> 16) & 0xFFFF, .req_gpa = arg[1],
                         .req_len = arg[2], .resp_gpa = arg[3], .resp_cap = arg[4], .waiter = &w};
    int64_t bad = check_buffers(c->p, &r);
    if (bad)
        return bad;
    struct rpc_module *m = NULL;
    int64_t s = submit(c, &r, &m);
    if (s < 0)
        return s;
    struct sync_wait sw = {&w, &ring_slot(m, (uint32_t)s)->state};
    int err = rpc_wait_us(c, replied_or_done, &sw, VMRPC_SYNC_TIMEOUT_MS * 1000ull, false);
    if (!err && !w.done)
        collect_exit_free_reply(m, (uint32_t)s, &w);
    if (err && !give_up(c, m, (uint32_t)s, &w))
        return err;
    return w.result;
}

int64_t rpc_call_async(const struct rpc_caller *c, uint64_t call_gpa, uint64_t size)
{
    if (size < sizeof(struct vmrpc_async) || call_gpa % 8)
        return HV_EINVAL;
    struct vmrpc_async *a = rpc_guest(c->p, call_gpa, sizeof *a);
    if (!a)
        return HV_EFAULT;
    struct vmrpc_async copy = *a; /* read once */
    struct call_req r = {.desc = copy.desc, .proc = copy.proc, .req_gpa = copy.req_gpa, .resp_gpa = copy.resp_gpa,
                         .async_gpa = call_gpa, .req_len = copy.req_len, .resp_cap = copy.resp_cap};
    int64_t bad = check_buffers(c->p, &r);
    if (bad)
        return bad;
    a->result = 0;
    a->done = 0;
    struct rpc_module *m = NULL;
    int64_t s = submit(c, &r, &m);
    return s < 0 ? s : 0;
}

/* --------------------------------------------------------- server side */

/* The result the caller gets for a reply with (status, len), given its
 * response buffer. */
static int32_t reply_result(const struct rpc_call *k, int32_t status, uint64_t len)
{
    if (status < 0)
        return status < -4095 ? HV_EPROTO : status;
    return len > k->resp_cap ? HV_EMSGSIZE : (int32_t)len;
}

/* Called with rpc_lock held, releases it: copies the response of call s
 * (state SLOT_SERVING) to its caller and completes it with result. */
static int64_t deliver_response(struct rpc_module *m, uint32_t s, int32_t result)
{
    struct rpc_call *k = &m->calls[s];
    bool abandoned = k->abandoned; /* its caller timed out: its buffer is its own again */
    if (result <= 0 || abandoned) { /* nothing to copy: complete at once */
        __atomic_store_n(&ring_slot(m, s)->state, VMRPC_SLOT_FREE, __ATOMIC_RELEASE);
        complete(k, result);
        spin_unlock(&rpc_lock);
        return result;
    }
    k->state = SLOT_COPYING; /* ours until completed */
    m->copying++;
    spin_unlock(&rpc_lock);

    memcpy(rpc_guest(k->client, k->resp_gpa, (uint64_t)result), ring_slot(m, s)->data, (size_t)result);
    __atomic_store_n(&ring_slot(m, s)->state, VMRPC_SLOT_FREE, __ATOMIC_RELEASE);

    spin_lock(&rpc_lock);
    complete(k, result);
    __atomic_store_n(&m->copying, m->copying - 1, __ATOMIC_RELEASE);
    spin_unlock(&rpc_lock);
    return result;
}

int64_t rpc_reply(const struct rpc_caller *c, uint64_t d, uint64_t slot, uint64_t status, uint64_t resp_len)
{
    int64_t err = 0;
    spin_lock(&rpc_lock);
    struct rpc_module *m = rpc_desc_module(c->p, d, DESC_SERVE, &err);
    struct rpc_call *k = m && slot < m->slot_count ? &m->calls[slot] : NULL;
    if (!k || k->state != SLOT_SERVING || (resp_len > slot_capacity(m) && (int32_t)status >= 0)) {
        spin_unlock(&rpc_lock);
        return m ? HV_EINVAL : err;
    }
    int32_t result = reply_result(k, (int32_t)status, resp_len);
    deliver_response(m, (uint32_t)slot, result);
    return result == HV_EMSGSIZE && (int32_t)status >= 0 ? HV_EMSGSIZE : 0;
}

struct wait_ctx {
    const struct rpc_module *m;
    uint32_t gen;
};

/* Lock-free peek: a queued call, or the module gone. */
static bool request_or_gone(void *ctx)
{
    const struct wait_ctx *w = ctx;
    const struct rpc_module *m = w->m;
    if (__atomic_load_n(&m->state, __ATOMIC_ACQUIRE) != MOD_LIVE || m->gen != w->gen)
        return true;
    for (uint32_t s = 0; s < m->slot_count; s++)
        if (__atomic_load_n(&m->calls[s].state, __ATOMIC_ACQUIRE) == SLOT_QUEUED)
            return true;
    return false;
}

/* Under rpc_lock: hands the oldest queued call of m to the caller. */
static int64_t take_queued(struct rpc_module *m)
{
    int64_t best = HV_EAGAIN;
    uint32_t best_seq = 0;
    for (uint32_t s = 0; s < m->slot_count; s++) {
        uint32_t seq = m->calls[s].seq;
        if (m->calls[s].state == SLOT_QUEUED && (best < 0 || (int32_t)(seq - best_seq) < 0)) {
            best = s;
            best_seq = seq;
        }
    }
    if (best >= 0)
        m->calls[best].state = SLOT_SERVING;
    return best;
}

int64_t rpc_wait_request(const struct rpc_caller *c, const uint64_t arg[RPC_ARGS])
{
    if (arg[1] != VMRPC_NO_REPLY) {
        int64_t r = rpc_reply(c, arg[0], arg[1], arg[2], arg[3]);
        if (r)
            return r;
    }
    for (;;) {
        int64_t err = 0;
        spin_lock(&rpc_lock);
        struct rpc_module *m = rpc_desc_module(c->p, arg[0], DESC_SERVE, &err);
        int64_t s = !m ? err : m->mode != VMRPC_RECV_WAIT ? HV_EINVAL : take_queued(m);
        struct wait_ctx w = {m, m ? m->gen : 0};
        spin_unlock(&rpc_lock);
        if (s != HV_EAGAIN)
            return s;
        int r = rpc_wait(c, request_or_gone, &w, 0, true);
        if (r)
            return r;
    }
}
