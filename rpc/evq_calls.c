/* Event queue hypercalls: a module's server creates and deletes its
 * queues; the server and every client bound to the module put and get. */
#include "rpc/rpc_arch.h"
#include "rpc/rpc_internal.h"

/* Under rpc_lock: queue q of the module behind descriptor d. */
static struct evq *queue_of(const struct partition *p, uint64_t d, uint64_t q, int64_t *err)
{
    struct rpc_module *m = rpc_desc_any_module(p, d, err);
    if (!m)
        return NULL;
    if (q >= VMRPC_MAX_QUEUES || !m->queues[q].live) {
        *err = HV_ENOENT;
        return NULL;
    }
    return &m->queues[q];
}

void rpc_evq_abort(struct rpc_module *m)
{
    for (uint32_t q = 0; q < VMRPC_MAX_QUEUES; q++)
        if (m->queues[q].live)
            evq_delete(&m->queues[q]);
}

int64_t rpc_evq_create(const struct rpc_caller *c, uint64_t d, uint64_t capacity)
{
    if (capacity == 0 || capacity > VMRPC_EVQ_MAX_CAPACITY)
        return HV_EINVAL;
    int64_t err = 0;
    spin_lock(&rpc_lock);
    struct rpc_module *m = rpc_desc_module(c->p, d, DESC_SERVE, &err);
    int64_t result = m ? HV_ENOMEM : err;
    for (uint32_t q = 0; m && q < VMRPC_MAX_QUEUES; q++) {
        if (!m->queues[q].live) {
            evq_create(&m->queues[q], (uint32_t)capacity);
            result = q;
            break;
        }
    }
    spin_unlock(&rpc_lock);
    return result;
}

int64_t rpc_evq_delete(const struct rpc_caller *c, uint64_t d, uint64_t q)
{
    int64_t err = 0;
    spin_lock(&rpc_lock);
    struct rpc_module *m = rpc_desc_module(c->p, d, DESC_SERVE, &err);
    if (m && (q >= VMRPC_MAX_QUEUES || !m->queues[q].live))
        m = NULL, err = HV_ENOENT;
    if (m)
        evq_delete(&m->queues[q]);
    spin_unlock(&rpc_lock);
    return m ? 0 : err;
}

int64_t rpc_evq_put(const struct rpc_caller *c, uint64_t d, uint64_t q, uint64_t ev_gpa)
{
    if (ev_gpa % 8)
        return HV_EINVAL;
    const struct vmrpc_event *g = rpc_guest(c->p, ev_gpa, sizeof *g);
    if (!g)
        return HV_EFAULT;
    struct vmrpc_event ev = *g;
    int64_t err = 0;
    spin_lock(&rpc_lock);
    struct evq *e = queue_of(c->p, d, q, &err);
    int64_t result = e ? evq_put(e, &ev, c->p->id) : err;
    spin_unlock(&rpc_lock);
    return result;
}

struct get_ctx {
    const struct evq *q;
    uint32_t gen;
};

static bool event_or_gone(void *ctx)
{
    const struct get_ctx *g = ctx;
    return __atomic_load_n(&g->q->count, __ATOMIC_ACQUIRE) || __atomic_load_n(&g->q->gen, __ATOMIC_ACQUIRE) != g->gen;
}

int64_t rpc_evq_get(const struct rpc_caller *c, uint64_t d, uint64_t q, uint64_t ev_gpa, uint64_t timeout_us)
{
    if (ev_gpa % 8)
        return HV_EINVAL;
    struct vmrpc_event *out = rpc_guest(c->p, ev_gpa, sizeof *out);
    if (!out)
        return HV_EFAULT;
    uint64_t deadline = timeout_us >= 0xFFFFFFFFu ? 0 : rpc_deadline_us(timeout_us); /* all ones: forever */
    for (;;) {
        int64_t err = 0;
        struct vmrpc_event ev;
        spin_lock(&rpc_lock);
        struct evq *e = queue_of(c->p, d, q, &err);
        int64_t result = e ? evq_get(e, &ev) : err;
        struct get_ctx g = {e, e ? e->gen : 0};
        spin_unlock(&rpc_lock);
        if (result == 0)
            *out = ev;
        if (result != HV_EAGAIN || timeout_us == 0)
            return result;
        int r = rpc_wait(c, event_or_gone, &g, deadline, true);
        if (r)
            return r;
        if (__atomic_load_n(&g.q->gen, __ATOMIC_ACQUIRE) != g.gen)
            return HV_EPIPE; /* deleted, or its module gone, while we waited */
    }
}

int64_t rpc_evq_info(const struct rpc_caller *c, uint64_t d, uint64_t q, uint64_t info_gpa, uint64_t size)
{
    if (size < sizeof(struct vmrpc_evq_info) || info_gpa % 8)
        return HV_EINVAL;
    struct vmrpc_evq_info *out = rpc_guest(c->p, info_gpa, sizeof *out);
    if (!out)
        return HV_EFAULT;
    int64_t err = 0;
    struct vmrpc_evq_info info;
    spin_lock(&rpc_lock);
    struct evq *e = queue_of(c->p, d, q, &err);
    if (e)
        evq_info(e, &info);
    spin_unlock(&rpc_lock);
    if (e)
        *out = info;
    return e ? 0 : err;
}
