/* Served modules: registration, the server tasks (doorbell and
 * reply-and-wait), the idle task's poll server and the doorbell half of
 * the interrupt handler. See include/rtos_rpc.h. */
#include "partitions/rtos/kernel/kernel.h"
#include "partitions/rtos/rpc/rpc_int.h"

struct served {
    int32_t desc; /* -1: slot unused */
    char name[VMRPC_NAME_MAX];
    rtos_rpc_handler_t handler;
    void *ctx;
    uint32_t mode;
    uint32_t next;        /* slot to look at first: round robin */
    volatile bool stop;   /* rtos_rpc_unserve: the task ends */
    rtos_sem_t bell;      /* given by the doorbell interrupt */
    rtos_task_t *task;    /* NULL in poll mode: the idle task serves */
    /* Poll mode: asynchronous replies handled but not yet sent (the guard
     * window was closed): bit i for slot i, with its HC_RPC_REPLY args. */
    uint32_t pending;
    int32_t pend_status[RTOS_RPC_SLOTS];
    uint32_t pend_len[RTOS_RPC_SLOTS];
};

static struct served served[RTOS_RPC_MAX_SERVED];
/* Rings and stacks are static: the hypervisor writes the rings at any
 * time, so they must never be reused while registered. */
static uint8_t rings[RTOS_RPC_MAX_SERVED][RTOS_RPC_SLOTS * RTOS_RPC_SLOT_SIZE] __attribute__((aligned(64)));
static uint8_t stacks[RTOS_RPC_MAX_SERVED][RTOS_RPC_STACK] __attribute__((aligned(16)));
static bool ever_used[RTOS_RPC_MAX_SERVED]; /* its stack may still be live: not reused */

void rpc_server_reset(void)
{
    rtos_memset(served, 0, sizeof served);
    rtos_memset(ever_used, 0, sizeof ever_used);
    for (unsigned i = 0; i < RTOS_RPC_MAX_SERVED; i++)
        served[i].desc = -1;
}

static struct vmrpc_slot *slot_of(unsigned m, uint32_t i)
{
    return vmrpc_ring_slot(rings[m], RTOS_RPC_SLOT_SIZE, i);
}

/* Runs the handler on slot i (already SERVING); its reply arguments. */
static void handle(struct served *m, struct vmrpc_slot *s, int32_t *status, uint32_t *len)
{
    uint32_t data_cap = rpc_resp_cap(RTOS_RPC_SLOT_SIZE, UINT32_MAX);
    uint32_t cap = rpc_resp_cap(RTOS_RPC_SLOT_SIZE, s->resp_cap);
    struct rtos_rpc_request rq = {
        .proc = s->proc,
        .len = s->req_len < data_cap ? s->req_len : data_cap, /* the hypervisor's job; never trusted blindly */
        .client_id = s->client_id,
        .seq = s->seq,
        .data = s->data,
    };
    rpc_reply_args(m->handler(m->ctx, &rq, s->data, cap), cap, status, len);
}

/* A synchronous caller watches its slot from its own CPU, so the answer
 * needs no exit: status and length, then the state last (release). */
static void reply_exit_free(struct vmrpc_slot *s, int32_t status, uint32_t len)
{
    s->status = status;
    s->resp_len = len;
    __atomic_store_n(&s->state, VMRPC_SLOT_REPLIED, __ATOMIC_RELEASE);
    rpc_stats.served++;
    rpc_stats.exit_free_replies++;
}

/* An asynchronous caller needs HC_RPC_REPLY (somebody must send its
 * completion interrupt): an exit, behind the guard window. */
static void serve_slot(unsigned mi, uint32_t i)
{
    struct served *m = &served[mi];
    struct vmrpc_slot *s = slot_of(mi, i);
    int32_t status;
    uint32_t len;
    s->state = VMRPC_SLOT_SERVING; /* the interrupt handler no longer counts it */
    handle(m, s, &status, &len);
    if (!(s->flags & VMRPC_SLOT_ASYNC)) {
        reply_exit_free(s, status, len);
        return;
    }
    port_irq_state_t irq = rpc_guard_enter();
    int32_t r = vmrpc_reply((uint32_t)m->desc, i, status, len);
    rpc_stats.served++;
    if (r < 0)
        rpc_stats.reply_errors++;
    port_irq_restore(irq);
}

/* Doorbell mode: sleep on the bell, then answer every waiting slot. The
 * bell counts, so a request landing while the ring is being scanned rings
 * again and is found by the next scan; the periodic rescan covers a
 * doorbell lost anyway. */
static void doorbell_loop(unsigned mi)
{
    struct served *m = &served[mi];
    rtos_tick_t poll = rtos_us_to_ticks(RTOS_RPC_POLL_MS * 1000ull);
    while (!m->stop) {
        rtos_sem_take(&m->bell, rtos_now() + poll);
        int i;
        while (!m->stop && (i = rpc_ring_find(rings[mi], RTOS_RPC_SLOT_SIZE, RTOS_RPC_SLOTS, m->next)) >= 0) {
            m->next = ((uint32_t)i + 1) % RTOS_RPC_SLOTS;
            serve_slot(mi, (uint32_t)i);
        }
    }
}

/* Wait mode: reply-and-wait in one hypercall. HV_EINTR means an interrupt
 * is pending: restoring the interrupt flag takes it (and switches to the
 * task it wakes, if that one outranks this); then wait again with no
 * reply. */
static void wait_loop(unsigned mi)
{
    struct served *m = &served[mi];
    uint32_t reply = VMRPC_NO_REPLY, len = 0;
    int32_t status = 0;
    while (!m->stop) {
        port_irq_state_t irq = rpc_guard_enter();
        int32_t r = vmrpc_wait((uint32_t)m->desc, reply, status, len);
        if (reply != VMRPC_NO_REPLY)
            rpc_stats.served++;
        port_irq_restore(irq);
        reply = VMRPC_NO_REPLY;
        if (r == HV_EINTR) {
            rpc_stats.eintr++;
            rtos_yield();
        } else if (r == HV_EBADF || r == HV_EPIPE) {
            return; /* unregistered */
        } else if (r < 0 || (uint32_t)r >= RTOS_RPC_SLOTS) {
            rpc_stats.reply_errors++;
            rtos_sleep_us(1000); /* never spin on a failing hypercall */
        } else {
            struct vmrpc_slot *s = slot_of(mi, (uint32_t)r);
            s->state = VMRPC_SLOT_SERVING;
            handle(m, s, &status, &len);
            reply = (uint32_t)r;
        }
    }
}

static void server_task(void *arg)
{
    unsigned mi = (unsigned)(uintptr_t)arg;
    if (served[mi].mode == VMRPC_RECV_WAIT)
        wait_loop(mi);
    else
        doorbell_loop(mi);
    port_irq_state_t s = port_irq_save();
    served[mi].desc = -1;
    port_irq_restore(s);
}

/* Poll mode: the idle task's hook, interrupts open throughout, and no
 * kernel call on the way (no semaphore, no switch, nothing that masks):
 * a timer interrupt always finds the CPU ready to take it, and any task
 * preempts the serving at once. Asynchronous replies are sent only when
 * the guard window allows (rpc_guard_try); otherwise they stay pending
 * and a later poll sends them, after the deadline's interrupt. */
static void poll_flush(struct served *m)
{
    for (uint32_t i = 0; m->pending && i < RTOS_RPC_SLOTS; i++) {
        uint32_t bit = 1u << i;
        port_irq_state_t irq;
        if (!(m->pending & bit))
            continue;
        if (!rpc_guard_try(&irq))
            return; /* a deadline is close: later */
        int32_t desc = m->desc, r = HV_EBADF;
        if (desc >= 0 && desc != INT32_MAX)
            r = vmrpc_reply((uint32_t)desc, i, m->pend_status[i], m->pend_len[i]);
        m->pending &= ~bit;
        rpc_stats.served++;
        if (r < 0)
            rpc_stats.reply_errors++;
        port_irq_restore(irq);
    }
}

static void poll_module(unsigned mi)
{
    struct served *m = &served[mi];
    int i;
    if (m->pending)
        poll_flush(m);
    while (__atomic_load_n(&m->desc, __ATOMIC_ACQUIRE) >= 0 &&
           (i = rpc_ring_find(rings[mi], RTOS_RPC_SLOT_SIZE, RTOS_RPC_SLOTS, m->next)) >= 0) {
        struct vmrpc_slot *s = slot_of(mi, (uint32_t)i);
        int32_t status;
        uint32_t len;
        m->next = ((uint32_t)i + 1) % RTOS_RPC_SLOTS;
        s->state = VMRPC_SLOT_SERVING;
        handle(m, s, &status, &len);
        if (!(s->flags & VMRPC_SLOT_ASYNC)) {
            reply_exit_free(s, status, len);
            continue;
        }
        m->pend_status[i] = status;
        m->pend_len[i] = len;
        m->pending |= 1u << i;
        poll_flush(m);
        if (m->pending & (1u << i))
            rpc_stats.guard_waits++; /* deferred past a deadline */
    }
}

void rtos_rpc_poll(void)
{
    for (unsigned i = 0; i < RTOS_RPC_MAX_SERVED; i++) {
        int32_t d = __atomic_load_n(&served[i].desc, __ATOMIC_ACQUIRE);
        if (d >= 0 && d != INT32_MAX && served[i].mode == VMRPC_RECV_POLL)
            poll_module(i);
    }
}

static int32_t fill_register(struct vmrpc_register *reg, unsigned mi, const char *name, uint32_t version,
                             uint32_t proc_count, enum vmrpc_recv_mode mode)
{
    uint32_t n = 0;
    while (name[n] && n < VMRPC_NAME_MAX)
        n++;
    if (!n || n >= VMRPC_NAME_MAX || !proc_count || proc_count > VMRPC_MAX_PROCS || mode > VMRPC_RECV_POLL)
        return HV_EINVAL;
    rtos_memset(reg, 0, sizeof *reg);
    rtos_memcpy(reg->name, name, n);
    reg->ring_gpa = (uintptr_t)rings[mi];
    reg->version = version;
    reg->proc_count = proc_count;
    reg->slot_count = RTOS_RPC_SLOTS;
    reg->slot_size = RTOS_RPC_SLOT_SIZE;
    reg->mode = mode;
    return 0;
}

/* A free module slot whose stack no task can still be on. */
static int claim(void)
{
    port_irq_state_t s = port_irq_save();
    int mi = -1;
    for (unsigned i = 0; i < RTOS_RPC_MAX_SERVED && mi < 0; i++)
        if (served[i].desc < 0 && !ever_used[i]) {
            ever_used[i] = true;
            served[i].desc = INT32_MAX; /* taken; not yet registered */
            mi = (int)i;
        }
    port_irq_restore(s);
    return mi;
}

int32_t rtos_rpc_serve(const char *name, uint32_t version, uint32_t proc_count, rtos_rpc_handler_t handler, void *ctx,
                       unsigned priority, enum vmrpc_recv_mode mode)
{
    struct vmrpc_register reg __attribute__((aligned(8))); /* the hypervisor wants 8 (i386 gives 4) */
    if (!name || !handler || priority >= RTOS_PRIORITIES)
        return HV_EINVAL;
    int mi = claim();
    if (mi < 0)
        return HV_ENOMEM;
    struct served *m = &served[mi];
    rtos_memset(rings[mi], 0, sizeof rings[mi]);
    int32_t r = fill_register(&reg, (unsigned)mi, name, version, proc_count, mode);
    if (r == 0) {
        port_irq_state_t irq = rpc_guard_enter();
        r = vmrpc_register(&reg);
        port_irq_restore(irq);
    }
    if (r < 0) {
        m->desc = -1;
        ever_used[mi] = false; /* no task ever ran on its stack */
        return r;
    }
    rtos_memcpy(m->name, reg.name, sizeof m->name);
    m->handler = handler;
    m->ctx = ctx;
    m->mode = mode;
    m->next = 0;
    m->stop = false;
    m->pending = 0;
    m->task = NULL;
    if (mode == VMRPC_RECV_POLL) { /* no task: the idle task serves (it may scan the ring from now on) */
        __atomic_store_n(&m->desc, r, __ATOMIC_RELEASE);
        rtos_set_idle_hook(rtos_rpc_poll);
        return r;
    }
    rtos_sem_init(&m->bell, 1); /* one scan at start: requests may already be there */
    m->desc = r;
    m->task = rtos_task_create(name, server_task, (void *)(uintptr_t)mi, priority, stacks[mi], sizeof stacks[mi]);
    if (!m->task) {
        vmrpc_unregister((uint32_t)r);
        m->desc = -1;
        return HV_ENOMEM;
    }
    return r;
}

int32_t rtos_rpc_unserve(int32_t desc)
{
    for (unsigned i = 0; i < RTOS_RPC_MAX_SERVED; i++) {
        struct served *m = &served[i];
        if (m->desc != desc || desc < 0 || desc == INT32_MAX)
            continue;
        port_irq_state_t irq = rpc_guard_enter();
        int32_t r = vmrpc_unregister((uint32_t)desc);
        port_irq_restore(irq);
        if (r == 0 && !m->task) { /* poll mode: no task to end */
            irq = port_irq_save();
            m->desc = -1;
            m->pending = 0;
            port_irq_restore(irq);
        } else if (r == 0) {
            m->stop = true;
            rtos_sem_give(&m->bell);
        }
        return r;
    }
    return HV_EBADF;
}

int32_t rtos_rpc_served_desc(const char *name)
{
    for (unsigned i = 0; i < RTOS_RPC_MAX_SERVED; i++) {
        const struct served *m = &served[i];
        unsigned k = 0;
        while (k < VMRPC_NAME_MAX - 1 && name[k] && name[k] == m->name[k])
            k++;
        if (m->desc >= 0 && m->desc != INT32_MAX && name[k] == m->name[k])
            return m->desc;
    }
    return HV_ENOENT;
}

/* Interrupt context: wake each doorbell server with a request waiting and
 * no wake-up already pending (a pending one rescans anyway). */
void rpc_server_isr(void)
{
    for (unsigned i = 0; i < RTOS_RPC_MAX_SERVED; i++) {
        struct served *m = &served[i];
        if (m->desc < 0 || m->desc == INT32_MAX || m->mode != VMRPC_RECV_DOORBELL || m->bell.count)
            continue;
        if (rpc_ring_find(rings[i], RTOS_RPC_SLOT_SIZE, RTOS_RPC_SLOTS, m->next) >= 0) {
            rpc_stats.doorbells++;
            rtos_sem_give(&m->bell);
        }
    }
}
