/* Client calls (asynchronous with a completion interrupt, and
 * synchronous), bindings and event queues. See include/rtos_rpc.h.
 *
 * Each asynchronous call takes a record from a static pool: the struct
 * vmrpc_async the hypervisor completes (it must stay in place until
 * done), the semaphore the calling task blocks on, and a response buffer
 * for calls with a finite deadline. Records of calls in flight are on a
 * list the interrupt handler walks. A call whose deadline passed leaves
 * its record "abandoned" in flight; the handler frees it on completion. */
#include "partitions/rtos/kernel/kernel.h"
#include "partitions/rtos/rpc/rpc_int.h"

enum rec_state { REC_FREE, REC_WAITING, REC_ABANDONED };

struct call_rec {
    struct vmrpc_async a; /* first: 64-byte aligned with the record */
    rtos_sem_t done;
    uint8_t state;
    struct call_rec *next; /* in flight */
    uint8_t bounce[RTOS_RPC_BOUNCE];
} __attribute__((aligned(64)));

static struct call_rec recs[RTOS_RPC_MAX_CALLS];
static rtos_sem_t recs_free;        /* counts REC_FREE records */
static struct call_rec *in_flight;  /* interrupts masked to touch */

void rpc_client_reset(void)
{
    rtos_memset(recs, 0, sizeof recs);
    rtos_sem_init(&recs_free, RTOS_RPC_MAX_CALLS);
    in_flight = NULL;
}

static struct call_rec *rec_take(rtos_tick_t deadline)
{
    if (rtos_sem_take(&recs_free, deadline) != RTOS_OK)
        return NULL;
    port_irq_state_t s = port_irq_save();
    struct call_rec *r = NULL;
    for (unsigned i = 0; i < RTOS_RPC_MAX_CALLS && !r; i++)
        if (recs[i].state == REC_FREE)
            r = &recs[i];
    r->state = REC_WAITING;
    port_irq_restore(s);
    return r;
}

/* Interrupts masked. */
static void rec_free(struct call_rec *r)
{
    r->state = REC_FREE;
    rtos_sem_give(&recs_free);
}

static void unlink(struct call_rec *r)
{
    struct call_rec **pp = &in_flight;
    while (*pp && *pp != r)
        pp = &(*pp)->next;
    if (*pp)
        *pp = r->next;
    r->next = NULL;
}

/* Interrupt context: wake the task of every call completed. The
 * hypervisor writes result, then done, then sends the interrupt. */
void rpc_client_isr(void)
{
    struct call_rec **pp = &in_flight;
    while (*pp) {
        struct call_rec *r = *pp;
        if (!r->a.done) {
            pp = &r->next;
            continue;
        }
        *pp = r->next;
        r->next = NULL;
        rpc_stats.completions++;
        if (r->state == REC_ABANDONED)
            rec_free(r);
        else
            rtos_sem_give(&r->done);
    }
}

static void rec_fill(struct call_rec *r, int32_t desc, uint32_t proc, const void *req, uint32_t req_len, void *resp,
                     uint32_t resp_cap, bool bounce)
{
    r->a.req_gpa = (uintptr_t)req;
    r->a.resp_gpa = bounce ? (uintptr_t)r->bounce : (uintptr_t)resp;
    r->a.tag = (uintptr_t)r;
    r->a.desc = (uint32_t)desc;
    r->a.proc = proc;
    r->a.req_len = req_len;
    r->a.resp_cap = resp_cap;
    r->a.result = 0;
    r->a.done = 0;
    rtos_sem_init(&r->done, 0);
}

/* Submits with the record on the in-flight list first, so that a
 * completion interrupt arriving at once finds it. */
static int32_t submit(struct call_rec *r)
{
    port_irq_state_t s = rpc_guard_enter();
    r->next = in_flight;
    in_flight = r;
    int32_t e = vmrpc_call_async(&r->a);
    if (e < 0)
        unlink(r);
    port_irq_restore(s);
    return e;
}

/* The deadline passed: unless it completed meanwhile, leave the record to
 * the interrupt handler. Returns true if it did complete. */
static bool abandon(struct call_rec *r)
{
    port_irq_state_t s = port_irq_save();
    bool done = r->a.done;
    if (done) {
        unlink(r); /* the handler may not have run yet */
        rtos_sem_init(&r->done, 0);
    } else {
        r->state = REC_ABANDONED;
    }
    port_irq_restore(s);
    return done;
}

int32_t rtos_rpc_call(int32_t desc, uint32_t proc, const void *req, uint32_t req_len, void *resp, uint32_t resp_cap,
                      rtos_tick_t deadline)
{
    bool bounce = deadline != RTOS_FOREVER;
    if (desc < 0 || (bounce && resp_cap > RTOS_RPC_BOUNCE))
        return desc < 0 ? HV_EBADF : HV_EINVAL;
    struct call_rec *r = rec_take(deadline);
    if (!r)
        return HV_ETIMEDOUT;
    rec_fill(r, desc, proc, req, req_len, resp, resp_cap, bounce);
    int32_t e = submit(r);
    if (e >= 0 && rtos_sem_take(&r->done, deadline) != RTOS_OK && !abandon(r))
        return HV_ETIMEDOUT; /* the record stays in flight */
    if (e >= 0)
        e = r->a.result;
    if (e > 0 && bounce)
        rtos_memcpy(resp, r->bounce, (uint32_t)e < resp_cap ? (uint32_t)e : resp_cap);
    port_irq_state_t s = port_irq_save();
    rec_free(r);
    port_irq_restore(s);
    return e;
}

int32_t rtos_rpc_call_sync(int32_t desc, uint32_t proc, const void *req, uint32_t req_len, void *resp,
                           uint32_t resp_cap)
{
    if (desc < 0)
        return HV_EBADF;
    port_irq_state_t s = rpc_guard_enter();
    int32_t r = vmrpc_call((uint32_t)desc, proc, req, req_len, resp, resp_cap);
    port_irq_restore(s);
    return r;
}

/* ------------------------------------------- thin, guarded hypercalls */

#define GUARDED(call)                                   \
    do {                                                \
        port_irq_state_t s_ = rpc_guard_enter();        \
        int32_t r_ = (call);                            \
        port_irq_restore(s_);                           \
        return r_;                                      \
    } while (0)

int32_t rtos_rpc_bind(const char *name, uint32_t version) { GUARDED(vmrpc_bind(name, version)); }
int32_t rtos_rpc_unbind(int32_t desc) { GUARDED(vmrpc_unbind((uint32_t)desc)); }
int32_t rtos_rpc_evq_create(int32_t desc, uint32_t capacity) { GUARDED(vmrpc_evq_create((uint32_t)desc, capacity)); }
int32_t rtos_rpc_evq_delete(int32_t desc, uint32_t queue) { GUARDED(vmrpc_evq_delete((uint32_t)desc, queue)); }

/* The hypervisor wants its structures 8-byte aligned; i386 aligns
 * uint64_t to 4 only, so callers' structures go through aligned copies. */
typedef struct vmrpc_event event_a8 __attribute__((aligned(8)));
typedef struct vmrpc_evq_info info_a8 __attribute__((aligned(8)));

int32_t rtos_rpc_evq_put(int32_t desc, uint32_t queue, const struct vmrpc_event *ev)
{
    event_a8 e = *ev;
    GUARDED(vmrpc_evq_put((uint32_t)desc, queue, &e));
}

static int32_t info_guarded(int32_t desc, uint32_t queue, info_a8 *i)
{
    GUARDED(vmrpc_evq_info((uint32_t)desc, queue, i));
}

int32_t rtos_rpc_evq_info(int32_t desc, uint32_t queue, struct vmrpc_evq_info *info)
{
    info_a8 i;
    int32_t r = info_guarded(desc, queue, &i);
    if (r >= 0)
        *info = i;
    return r;
}

static int32_t evq_poll(int32_t desc, uint32_t queue, struct vmrpc_event *ev)
{
    event_a8 e;
    port_irq_state_t s = rpc_guard_enter();
    int32_t r = vmrpc_evq_get((uint32_t)desc, queue, &e, 0);
    port_irq_restore(s);
    if (r >= 0)
        *ev = e;
    return r;
}

int32_t rtos_rpc_evq_get(int32_t desc, uint32_t queue, struct vmrpc_event *ev, rtos_tick_t deadline)
{
    for (;;) {
        int32_t r = evq_poll(desc, queue, ev);
        if (r != HV_EAGAIN || rk_expired(deadline))
            return r;
        rtos_tick_t next = rtos_now() + rtos_us_to_ticks(RTOS_RPC_EVQ_POLL_US);
        rtos_sleep_until(deadline < next ? deadline : next);
    }
}
