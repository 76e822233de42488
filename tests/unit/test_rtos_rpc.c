/* Tests for the RTOS's VMRPC library (partitions/rtos/rpc/): the pure
 * decisions (ring scan, guard window, reply arguments, load), and the
 * server and client tasks on the RTOS host port (rtos_host_port.c) with
 * the hypercalls faked here: this file plays the hypervisor, writing
 * requests into the ring, completing asynchronous calls and raising the
 * rpc interrupt with host_isr. */
#include <string.h>

#include "partitions/rtos/include/rtos_rpc.h"
#include "partitions/rtos/rpc/rpc_int.h"
#include "tests/unit/rtos_host_port.h"
#include "unit.h"

#define HZ 1000000
#define GUARD 100
#define LIMIT 5000 /* host_run: the servers' periodic rescans lie beyond */

static uint8_t stack[RTOS_MAX_TASKS][256]; /* the host port runs tasks on its own stacks */

/* ------------------------------------------------- the fake hypervisor */

static struct vmrpc_register regs[8];
static int32_t nregs, register_result, async_result;
static struct reply {
    uint32_t desc, slot, len;
    int32_t status;
    uint64_t at;
} replies[16];
static int nreplies;
static struct vmrpc_async *submitted[4 * RTOS_RPC_MAX_CALLS];
static int nsubmitted;
static int32_t wait_script[8];
static int nwait;

static void *ring_of(uint32_t desc)
{
    return desc < (uint32_t)nregs ? (void *)(uintptr_t)regs[desc].ring_gpa : NULL;
}

int32_t vmrpc_register(const struct vmrpc_register *reg)
{
    if (register_result < 0)
        return register_result;
    regs[nregs] = *reg;
    return nregs++;
}

int32_t vmrpc_unregister(uint32_t desc) { return desc < (uint32_t)nregs ? 0 : HV_EBADF; }
int32_t vmrpc_bind(const char *name, uint32_t version) { return strcmp(name, "gpos/echo") ? HV_ENOENT : (int32_t)version & 0; }
int32_t vmrpc_unbind(uint32_t desc) { return (int32_t)desc & 0; }

int32_t vmrpc_call(uint32_t desc, uint32_t proc, const void *req, uint32_t req_len, void *resp, uint32_t resp_cap)
{
    (void)desc, (void)proc;
    uint32_t n = req_len < resp_cap ? req_len : resp_cap;
    memcpy(resp, req, n);
    return (int32_t)n;
}

int32_t vmrpc_call_async(struct vmrpc_async *a)
{
    if (async_result < 0)
        return async_result;
    submitted[nsubmitted++] = a;
    return 0;
}

static void record_reply(uint32_t desc, uint32_t slot, int32_t status, uint32_t len)
{
    replies[nreplies++] = (struct reply){desc, slot, len, status, rtos_now()};
    struct vmrpc_slot *s = vmrpc_ring_slot(ring_of(desc), RTOS_RPC_SLOT_SIZE, slot);
    s->state = VMRPC_SLOT_FREE; /* what the hypervisor does once it copied the response */
}

int32_t vmrpc_reply(uint32_t desc, uint32_t slot, int32_t status, uint32_t len)
{
    record_reply(desc, slot, status, len);
    return 0;
}

/* Asynchronous callers unless a test says otherwise: their answer is
 * HC_RPC_REPLY, which the tests watch. */
static uint32_t deliver_flags = VMRPC_SLOT_ASYNC;

/* A request in slot `slot` of module `desc`, state set last. */
static struct vmrpc_slot *deliver(uint32_t desc, uint32_t slot, uint32_t proc, const void *data, uint32_t len)
{
    struct vmrpc_slot *s = vmrpc_ring_slot(ring_of(desc), RTOS_RPC_SLOT_SIZE, slot);
    s->proc = proc;
    s->req_len = len;
    s->resp_cap = RTOS_RPC_MSG_MAX;
    s->client_id = 7;
    s->flags = deliver_flags;
    memcpy(s->data, data, len);
    s->state = VMRPC_SLOT_REQUEST;
    return s;
}

int32_t vmrpc_wait(uint32_t desc, uint32_t reply_slot, int32_t status, uint32_t resp_len)
{
    if (reply_slot != VMRPC_NO_REPLY)
        record_reply(desc, reply_slot, status, resp_len);
    int32_t r = wait_script[nwait++];
    if (r >= 0)
        deliver(desc, (uint32_t)r, VMRPC_ECHO_ECHO, "abc", 3);
    return r;
}

int32_t vmrpc_list(uint32_t index, struct vmrpc_module_info *info) { return (void)index, (void)info, HV_ENOENT; }
int32_t vmrpc_evq_create(uint32_t desc, uint32_t capacity) { return (void)desc, (int32_t)capacity & 0; }
int32_t vmrpc_evq_delete(uint32_t desc, uint32_t queue) { return (void)desc, (void)queue, 0; }
int32_t vmrpc_evq_put(uint32_t desc, uint32_t queue, const struct vmrpc_event *ev) { return (void)desc, (void)queue, (void)ev, 0; }

static int evq_polls;
int32_t vmrpc_evq_get(uint32_t desc, uint32_t queue, struct vmrpc_event *ev, uint32_t timeout_us)
{
    (void)desc, (void)queue;
    CHECK_EQ(timeout_us, 0); /* never waits in the hypervisor */
    if (++evq_polls < 3)
        return HV_EAGAIN;
    ev->code = 42;
    return 0;
}

int32_t vmrpc_evq_info(uint32_t desc, uint32_t queue, struct vmrpc_evq_info *info) { return (void)desc, (void)queue, (void)info, 0; }

static void rpc_irq(void *arg)
{
    (void)arg;
    rtos_rpc_isr();
}

static int32_t fake_exit_stats(uint64_t *exits, uint64_t *root)
{
    *exits = 11;
    *root = 2222;
    return 0;
}

static const struct rtos_rpc_platform platform = {"rtos", 32u << 20, 1u << 20, 0, fake_exit_stats};

static void setup(void)
{
    host_reset(HZ);
    rtos_rpc_init(GUARD);
    nregs = nreplies = nsubmitted = nwait = evq_polls = 0;
    register_result = async_result = 0;
    deliver_flags = VMRPC_SLOT_ASYNC;
    memset(regs, 0, sizeof regs);
}

static rtos_task_t *spawn(const char *name, rtos_entry_t fn, void *arg, unsigned prio)
{
    static unsigned next;
    return rtos_task_create(name, fn, arg, prio, stack[next++ % RTOS_MAX_TASKS], sizeof stack[0]);
}

/* ------------------------------------------------------- pure decisions */

static uint8_t ring[RTOS_RPC_SLOTS * RTOS_RPC_SLOT_SIZE];

static void set_state(uint32_t i, uint32_t state)
{
    vmrpc_ring_slot(ring, RTOS_RPC_SLOT_SIZE, i)->state = state;
}

TEST(ring_find_scans_round_robin)
{
    memset(ring, 0, sizeof ring);
    CHECK_EQ(rpc_ring_find(ring, RTOS_RPC_SLOT_SIZE, RTOS_RPC_SLOTS, 0), -1);
    set_state(1, VMRPC_SLOT_REQUEST);
    set_state(3, VMRPC_SLOT_REQUEST);
    set_state(2, VMRPC_SLOT_SERVING); /* being answered: not found again */
    CHECK_EQ(rpc_ring_find(ring, RTOS_RPC_SLOT_SIZE, RTOS_RPC_SLOTS, 0), 1);
    CHECK_EQ(rpc_ring_find(ring, RTOS_RPC_SLOT_SIZE, RTOS_RPC_SLOTS, 2), 3);
    CHECK_EQ(rpc_ring_find(ring, RTOS_RPC_SLOT_SIZE, RTOS_RPC_SLOTS, 3), 3);
    CHECK_EQ(rpc_ring_find(ring, RTOS_RPC_SLOT_SIZE, RTOS_RPC_SLOTS, 4 % RTOS_RPC_SLOTS), 1); /* wraps */
    set_state(1, VMRPC_SLOT_FREE);
    CHECK_EQ(rpc_ring_find(ring, RTOS_RPC_SLOT_SIZE, RTOS_RPC_SLOTS, 0), 3);
}

TEST(guard_window_decision)
{
    CHECK_EQ(rpc_guard_until(1000, RTOS_FOREVER, GUARD), 0);  /* nothing armed */
    CHECK_EQ(rpc_guard_until(1000, 1101, GUARD), 0);          /* more than the guard away */
    CHECK_EQ(rpc_guard_until(1000, 1100, GUARD), 1101);       /* exactly the guard: too close */
    CHECK_EQ(rpc_guard_until(1000, 1001, GUARD), 1002);
    CHECK_EQ(rpc_guard_until(1000, 1000, GUARD), 1001);       /* due now: its interrupt is coming */
    CHECK_EQ(rpc_guard_until(1000, 900, GUARD), 901);         /* passed, not yet taken */
    CHECK_EQ(rpc_guard_until(1000, 1001, 0), 0);              /* no guard */
}

TEST(reply_arguments)
{
    int32_t status;
    uint32_t len;
    rpc_reply_args(10, 64, &status, &len);
    CHECK(status == 0 && len == 10);
    rpc_reply_args(HV_EINVAL, 64, &status, &len);
    CHECK(status == HV_EINVAL && len == 0);
    rpc_reply_args(65, 64, &status, &len); /* a handler writing past the cap */
    CHECK(status == HV_EMSGSIZE && len == 0);
    CHECK_EQ(rpc_resp_cap(RTOS_RPC_SLOT_SIZE, 100), 100);
    CHECK_EQ(rpc_resp_cap(RTOS_RPC_SLOT_SIZE, 1u << 20), RTOS_RPC_MSG_MAX);
}

TEST(load_and_uptime)
{
    rtos_tick_t prev_now = 0;
    uint64_t prev_idle = 0;
    CHECK_EQ(rpc_load_permille(1000, 250, &prev_now, &prev_idle), 750);
    CHECK_EQ(rpc_load_permille(2000, 1250, &prev_now, &prev_idle), 0);   /* all idle since */
    CHECK_EQ(rpc_load_permille(2000, 1250, &prev_now, &prev_idle), 0);   /* no time passed */
    CHECK_EQ(rpc_load_permille(3000, 1250, &prev_now, &prev_idle), 1000); /* never idle */
    CHECK_EQ(rpc_ticks_to_us(3 * 50000000ull + 25000000, 50000000), 3500000);
    CHECK_EQ(rpc_ticks_to_us(~0ull, 3000000000ull), 6148914691236517ull);
    CHECK_EQ(rpc_ticks_to_us(5, 0), 0);
}

/* ---------------------------------------------------- doorbell server */

static int32_t d_sysinfo, d_echo;
static uint64_t deliver_at;

static void serve_standard(enum vmrpc_recv_mode mode)
{
    const char *failed = NULL;
    CHECK_EQ(rtos_rpc_serve_standard(&platform, 20, mode, &failed), 0);
    d_sysinfo = rtos_rpc_served_desc(VMRPC_SYSINFO);
    d_echo = rtos_rpc_served_desc(VMRPC_ECHO);
}

/* The hypervisor's side: a request at deliver_at, then the doorbell. */
static void hv_doorbell(void *arg)
{
    rtos_sleep_until(deliver_at);
    deliver((uint32_t)d_echo, (uint32_t)(uintptr_t)arg, VMRPC_ECHO_ECHO, "hello", 5);
    host_tr("ring@%llu", (unsigned long long)rtos_now());
    host_isr(rpc_irq, NULL);
}

TEST(doorbell_serves_echo_in_place)
{
    setup();
    serve_standard(VMRPC_RECV_DOORBELL);
    CHECK_EQ(nregs, 2);
    CHECK_EQ(regs[1].slot_count, RTOS_RPC_SLOTS);
    CHECK_EQ(regs[1].slot_size, RTOS_RPC_SLOT_SIZE);
    CHECK_EQ(regs[1].mode, VMRPC_RECV_DOORBELL);
    CHECK_EQ(regs[1].ring_gpa % 64, 0);
    CHECK_STR(regs[1].name, "echo");
    CHECK_EQ(regs[1].proc_count, 3);
    deliver_at = 500;
    spawn("hv", hv_doorbell, (void *)2, 25);
    host_run(LIMIT);
    CHECK_EQ(nreplies, 1);
    CHECK(replies[0].slot == 2 && replies[0].status == 0 && replies[0].len == 5 && replies[0].at == 500);
    struct vmrpc_slot *s = vmrpc_ring_slot(ring_of((uint32_t)d_echo), RTOS_RPC_SLOT_SIZE, 2);
    CHECK(memcmp(s->data, "hello", 5) == 0);
    struct rtos_rpc_stats st;
    rtos_rpc_get_stats(&st);
    CHECK_EQ(st.served, 1);
    CHECK_EQ(st.doorbells, 1);
    CHECK_EQ(st.guard_waits, 0);
}

static void high_task(void *arg);

/* A synchronous caller's answer needs no exit: written into the slot,
 * state last, even right before a deadline (no guard: nothing blocks). */
TEST(sync_caller_answered_without_exit)
{
    setup();
    serve_standard(VMRPC_RECV_DOORBELL);
    deliver_flags = 0;
    deliver_at = 990;
    spawn("high", high_task, (void *)1000, 1);
    spawn("hv", hv_doorbell, (void *)1, 25);
    host_run(LIMIT);
    CHECK_EQ(nreplies, 0);
    struct vmrpc_slot *s = vmrpc_ring_slot(ring_of((uint32_t)d_echo), RTOS_RPC_SLOT_SIZE, 1);
    CHECK(s->state == VMRPC_SLOT_REPLIED && s->status == 0 && s->resp_len == 5);
    CHECK(memcmp(s->data, "hello", 5) == 0);
    struct rtos_rpc_stats st;
    rtos_rpc_get_stats(&st);
    CHECK(st.served == 1 && st.exit_free_replies == 1 && st.guard_waits == 0);
}

static void high_task(void *arg)
{
    rtos_sleep_until((uintptr_t)arg);
    host_tr("high@%llu", (unsigned long long)rtos_now());
}

/* A request arriving GUARD/2 before a higher-priority task's deadline:
 * the reply waits until that task has run. */
TEST(guard_defers_reply_past_close_deadline)
{
    setup();
    serve_standard(VMRPC_RECV_DOORBELL);
    deliver_at = 950;
    spawn("high", high_task, (void *)1000, 1);
    spawn("hv", hv_doorbell, (void *)0, 25);
    host_run(LIMIT);
    CHECK_EQ(nreplies, 1);
    CHECK_EQ(replies[0].at, 1001);
    CHECK_STR(host_trace, "ring@950 high@1000 ");
    struct rtos_rpc_stats st;
    rtos_rpc_get_stats(&st);
    CHECK_EQ(st.guard_waits, 1);
}

TEST(guard_lets_reply_through_when_deadline_far)
{
    setup();
    serve_standard(VMRPC_RECV_DOORBELL);
    deliver_at = 800; /* 200 before: more than GUARD */
    spawn("high", high_task, (void *)1000, 1);
    spawn("hv", hv_doorbell, (void *)0, 25);
    host_run(LIMIT);
    CHECK_EQ(nreplies, 1);
    CHECK_EQ(replies[0].at, 800);
}

/* The server is an ordinary task: a doorbell arriving while a task of
 * higher priority computes is answered only when that task is done. */
static void busy_high(void *arg)
{
    (void)arg;
    rtos_sleep_until(400);
    host_advance_time(100);
    deliver((uint32_t)d_echo, 1, VMRPC_ECHO_NULL, "", 0);
    host_isr(rpc_irq, NULL); /* the doorbell interrupts this task */
    host_tr("bell@%llu", (unsigned long long)rtos_now());
    host_advance_time(200);
    host_tr("high-done@%llu", (unsigned long long)rtos_now());
}

TEST(server_never_preempts_higher_priority_task)
{
    setup();
    serve_standard(VMRPC_RECV_DOORBELL);
    spawn("high", busy_high, NULL, 1);
    host_run(LIMIT);
    CHECK_EQ(nreplies, 1);
    CHECK_EQ(replies[0].at, 700);
    CHECK_EQ(replies[0].len, 0);
    CHECK_STR(host_trace, "bell@500 high-done@700 ");
}

static void hv_two_requests(void *arg)
{
    (void)arg;
    rtos_sleep_until(100);
    uint32_t big = 1u << 20;
    deliver((uint32_t)d_echo, 0, VMRPC_ECHO_STATS, "", 0);
    deliver((uint32_t)d_echo, 1, 9, "", 0); /* unknown procedure */
    deliver((uint32_t)d_sysinfo, 3, VMRPC_SYSINFO_GET, &big, sizeof big);
    host_isr(rpc_irq, NULL);
}

TEST(echo_stats_unknown_proc_and_sysinfo)
{
    setup();
    serve_standard(VMRPC_RECV_DOORBELL);
    rtos_rpc_note_latency(30);
    rtos_rpc_note_latency(10);
    rtos_rpc_note_latency(20);
    spawn("hv", hv_two_requests, NULL, 25);
    host_run(LIMIT);
    CHECK_EQ(nreplies, 3);
    struct vmrpc_slot *stats = vmrpc_ring_slot(ring_of((uint32_t)d_echo), RTOS_RPC_SLOT_SIZE, 0);
    struct vmrpc_echo_stats es;
    memcpy(&es, stats->data, sizeof es);
    for (int i = 0; i < 3; i++) {
        const struct reply *r = &replies[i];
        if (r->desc == (uint32_t)d_echo && r->slot == 0)
            CHECK(r->status == 0 && r->len == sizeof es && es.calls >= 1 && es.exits == 11 && es.root_ticks == 2222);
        else if (r->desc == (uint32_t)d_echo)
            CHECK(r->status == HV_EINVAL && r->len == 0);
        else
            CHECK(r->status == 0 && r->len == sizeof(struct vmrpc_sysinfo));
    }
    struct vmrpc_sysinfo si;
    memcpy(&si, vmrpc_ring_slot(ring_of((uint32_t)d_sysinfo), RTOS_RPC_SLOT_SIZE, 3)->data, sizeof si);
    CHECK_STR(si.os_name, "rtos");
    CHECK_EQ(si.mem_total_bytes, 32u << 20);
    CHECK_EQ(si.mem_used_bytes, 1u << 20);
    CHECK_EQ(si.mem_free_bytes, 31u << 20);
    CHECK_EQ(si.uptime_us, 100); /* 100 ticks at 1 MHz since boot_tsc 0 */
    CHECK_EQ(si.task_count, 4);  /* idle, hv, two servers */
    CHECK(si.has_latency == 1 && si.latency_samples == 3);
    CHECK(si.latency_min_ticks == 10 && si.latency_avg_ticks == 20 && si.latency_max_ticks == 30);
    CHECK(si.cpu_load_permille <= 1000);
}

/* --------------------------------------------------------- wait mode */

TEST(wait_mode_eintr_then_reply_and_wait)
{
    setup();
    wait_script[0] = HV_EINTR;
    wait_script[1] = 2;       /* a request in slot 2 */
    wait_script[2] = HV_EPIPE; /* unregistered: the task ends */
    serve_standard(VMRPC_RECV_WAIT);
    CHECK_EQ(regs[0].mode, VMRPC_RECV_DOORBELL); /* sysinfo keeps the doorbell */
    CHECK_EQ(regs[1].mode, VMRPC_RECV_WAIT);
    host_run(LIMIT);
    CHECK_EQ(nwait, 3);
    CHECK_EQ(nreplies, 1); /* the reply went with the third wait */
    CHECK(replies[0].slot == 2 && replies[0].status == 0 && replies[0].len == 3);
    struct rtos_rpc_stats st;
    rtos_rpc_get_stats(&st);
    CHECK_EQ(st.eintr, 1);
    CHECK_EQ(rtos_rpc_served_desc(VMRPC_ECHO), HV_ENOENT); /* its task ended */
}

/* --------------------------------------------------------- poll mode */

/* The idle hook the poll tests install (after serving, which installed
 * rtos_rpc_poll): poll, let time pass, and stop polling at poll_until so
 * that idle halts and host_run returns. */
static uint64_t poll_until;
static void test_idle(void)
{
    rtos_rpc_poll();
    if (rtos_now() >= poll_until)
        rtos_set_idle_hook(NULL);
    else
        host_advance_time(10);
}

/* The hypervisor's side in poll mode: a request at deliver_at, no IPI. */
static void hv_ring_only(void *arg)
{
    rtos_sleep_until(deliver_at);
    deliver((uint32_t)d_echo, (uint32_t)(uintptr_t)arg, VMRPC_ECHO_ECHO, "hello", 5);
    host_tr("ring@%llu", (unsigned long long)rtos_now());
}

TEST(poll_serves_sync_caller_from_idle_without_exit)
{
    setup();
    serve_standard(VMRPC_RECV_POLL);
    CHECK(regs[0].mode == VMRPC_RECV_POLL && regs[1].mode == VMRPC_RECV_POLL);
    CHECK(rtos_get_idle_hook() == rtos_rpc_poll);
    CHECK_EQ(rtos_task_count(), 0); /* no server task (idle not yet created) */
    rtos_set_idle_hook(test_idle);
    poll_until = 2000;
    deliver_flags = 0;
    deliver_at = 500;
    spawn("hv", hv_ring_only, (void *)3, 25);
    host_run(LIMIT);
    struct vmrpc_slot *s = vmrpc_ring_slot(ring_of((uint32_t)d_echo), RTOS_RPC_SLOT_SIZE, 3);
    CHECK(s->state == VMRPC_SLOT_REPLIED && s->status == 0 && s->resp_len == 5);
    CHECK(memcmp(s->data, "hello", 5) == 0);
    CHECK_EQ(nreplies, 0);
    struct rtos_rpc_stats st;
    rtos_rpc_get_stats(&st);
    CHECK(st.served == 1 && st.exit_free_replies == 1 && st.doorbells == 0 && st.guard_waits == 0);
}

/* The handler runs in the idle task with interrupts enabled. */
static int irqs_open_in_handler = -1;
static int32_t probe_handler(void *ctx, const struct rtos_rpc_request *rq, void *resp, uint32_t cap)
{
    (void)ctx, (void)rq, (void)resp, (void)cap;
    port_irq_state_t was = port_irq_save();
    port_irq_restore(was);
    irqs_open_in_handler = !was && rtos_in_idle();
    return 0;
}

TEST(poll_handler_runs_in_idle_with_interrupts_open)
{
    setup();
    d_echo = rtos_rpc_serve("probe", 1, 1, probe_handler, NULL, 0, VMRPC_RECV_POLL);
    CHECK(d_echo >= 0);
    rtos_set_idle_hook(test_idle);
    poll_until = 1000;
    deliver_flags = 0;
    deliver_at = 100;
    spawn("hv", hv_ring_only, (void *)0, 25);
    host_run(LIMIT);
    CHECK_EQ(irqs_open_in_handler, 1);
}

/* An asynchronous reply GUARD/2 before a deadline is not sent then: the
 * higher-priority task runs at its deadline, then a later poll replies. */
TEST(poll_defers_async_reply_past_close_deadline)
{
    setup();
    serve_standard(VMRPC_RECV_POLL);
    rtos_set_idle_hook(test_idle);
    poll_until = 2000;
    deliver_at = 950;
    spawn("high", high_task, (void *)1000, 1);
    spawn("hv", hv_ring_only, (void *)0, 25);
    host_run(LIMIT);
    CHECK_STR(host_trace, "ring@950 high@1000 ");
    CHECK_EQ(nreplies, 1);
    CHECK(replies[0].slot == 0 && replies[0].status == 0 && replies[0].len == 5);
    CHECK(replies[0].at >= 1000 && replies[0].at <= 1010);
    struct rtos_rpc_stats st;
    rtos_rpc_get_stats(&st);
    CHECK(st.served == 1 && st.guard_waits == 1 && st.exit_free_replies == 0);
}

TEST(poll_unserve_stops_polling)
{
    setup();
    serve_standard(VMRPC_RECV_POLL);
    CHECK_EQ(rtos_rpc_unserve(d_echo), 0);
    CHECK_EQ(rtos_rpc_served_desc(VMRPC_ECHO), HV_ENOENT);
    rtos_set_idle_hook(test_idle);
    poll_until = 1000;
    deliver_flags = 0;
    deliver_at = 100;
    spawn("hv", hv_ring_only, (void *)1, 25);
    host_run(LIMIT);
    CHECK_EQ(vmrpc_ring_slot(ring_of((uint32_t)d_echo), RTOS_RPC_SLOT_SIZE, 1)->state, VMRPC_SLOT_REQUEST);
}

static int32_t nop_handler(void *ctx, const struct rtos_rpc_request *rq, void *resp, uint32_t cap)
{
    return (void)ctx, (void)rq, (void)resp, (void)cap, 0;
}

TEST(serve_refusals)
{
    setup();
    register_result = HV_EPERM;
    CHECK_EQ(rtos_rpc_serve("echo", 1, 1, nop_handler, NULL, 5, VMRPC_RECV_DOORBELL), HV_EPERM);
    register_result = 0;
    CHECK_EQ(rtos_rpc_serve("a-name-that-is-far-too-long", 1, 1, nop_handler, NULL, 5, 1), HV_EINVAL);
    CHECK_EQ(rtos_rpc_serve("x", 1, 0, nop_handler, NULL, 5, 1), HV_EINVAL);
    CHECK_EQ(rtos_rpc_serve("x", 1, VMRPC_MAX_PROCS + 1, nop_handler, NULL, 5, 1), HV_EINVAL);
    CHECK_EQ(rtos_rpc_serve("x", 1, 1, nop_handler, NULL, RTOS_PRIORITIES, 1), HV_EINVAL);
    CHECK_EQ(nregs, 0);
    for (int i = 0; i < RTOS_RPC_MAX_SERVED; i++)
        CHECK(rtos_rpc_serve("m", 1, 1, nop_handler, NULL, 5, 1) >= 0);
    CHECK_EQ(rtos_rpc_serve("m", 1, 1, nop_handler, NULL, 5, 1), HV_ENOMEM);
}

/* ------------------------------------------------------------- client */

struct call_arg {
    const char *name;
    rtos_tick_t deadline;
    char resp[16];
    int32_t result;
};

static void client(void *arg)
{
    struct call_arg *c = arg;
    c->result = rtos_rpc_call(3, VMRPC_ECHO_ECHO, "ping", 4, c->resp, sizeof c->resp, c->deadline);
    host_tr("%s:%d@%llu", c->name, c->result, (unsigned long long)rtos_now());
}

static void mid(void *arg)
{
    (void)arg;
    host_advance_time(50);
    host_tr("mid@%llu", (unsigned long long)rtos_now());
}

/* The hypervisor completes submitted[i] at time `at`: response, result,
 * done, interrupt. */
static void complete(int i, const char *resp, int32_t result)
{
    struct vmrpc_async *a = submitted[i];
    if (result > 0)
        memcpy((void *)(uintptr_t)a->resp_gpa, resp, (size_t)result);
    a->result = result;
    a->done = 1;
    host_isr(rpc_irq, NULL);
}

static void hv_complete_reversed(void *arg)
{
    (void)arg;
    rtos_sleep_until(200);
    host_tr("submitted:%d", nsubmitted);
    for (int i = nsubmitted; i-- > 0;)
        complete(i, i ? "PONG" : "pong", 4);
}

TEST(async_call_blocks_only_the_caller)
{
    setup();
    static struct call_arg c = {"c", RTOS_FOREVER, "", 0};
    spawn("c", client, &c, 5);
    spawn("mid", mid, NULL, 10);
    spawn("hv", hv_complete_reversed, NULL, 25);
    host_run(LIMIT);
    CHECK_STR(host_trace, "mid@50 submitted:1 c:4@200 ");
    CHECK_EQ(submitted[0]->resp_gpa, (uintptr_t)c.resp); /* no deadline: straight into the caller's buffer */
    CHECK(memcmp(c.resp, "pong", 4) == 0);
    CHECK_EQ(submitted[0]->desc, 3);
    CHECK_EQ(submitted[0]->proc, VMRPC_ECHO_ECHO);
    CHECK_EQ(submitted[0]->req_len, 4);
}

TEST(two_calls_outstanding_complete_in_any_order)
{
    setup();
    static struct call_arg c1 = {"c1", RTOS_FOREVER, "", 0}, c2 = {"c2", 1000, "", 0};
    spawn("c1", client, &c1, 5);
    spawn("c2", client, &c2, 6);
    spawn("hv", hv_complete_reversed, NULL, 25);
    host_run(LIMIT);
    CHECK_STR(host_trace, "submitted:2 c2:4@200 c1:4@200 ");
    CHECK(memcmp(c1.resp, "pong", 4) == 0);
    CHECK(memcmp(c2.resp, "PONG", 4) == 0); /* through the bounce buffer: a deadline */
    CHECK(submitted[1]->resp_gpa != (uintptr_t)c2.resp);
    struct rtos_rpc_stats st;
    rtos_rpc_get_stats(&st);
    CHECK_EQ(st.completions, 2);
}

static void hv_late(void *arg)
{
    (void)arg;
    rtos_sleep_until(500);
    complete(0, "late", 4);
    host_tr("late");
}

/* Fills every record: if the abandoned one leaked, the last would block. */
static void many(void *arg)
{
    (void)arg;
    rtos_sleep_until(600);
    async_result = HV_EBUSY;
    for (int i = 0; i < 2 * RTOS_RPC_MAX_CALLS; i++)
        CHECK_EQ(rtos_rpc_call(3, 1, NULL, 0, NULL, 0, RTOS_FOREVER), HV_EBUSY);
    async_result = 0;
    static struct call_arg cs[RTOS_RPC_MAX_CALLS];
    for (int i = 0; i < RTOS_RPC_MAX_CALLS; i++) {
        cs[i] = (struct call_arg){"x", 700, "", 0};
        spawn("c", client, &cs[i], 4);
    }
    host_tr("spawned");
}

TEST(timed_out_call_is_abandoned_safely)
{
    setup();
    static struct call_arg c = {"c", 300, "", 0};
    spawn("c", client, &c, 5);
    spawn("hv", hv_late, NULL, 25);
    spawn("many", many, NULL, 3);
    host_run(LIMIT);
    CHECK_EQ(c.result, HV_ETIMEDOUT);
    CHECK(c.resp[0] == 0); /* the late response went to the library's buffer */
    CHECK_EQ(nsubmitted, 1 + RTOS_RPC_MAX_CALLS);
    CHECK(strstr(host_trace, "c:-110@300 late spawned ") != NULL);
}

TEST(call_argument_checks)
{
    setup();
    char big[RTOS_RPC_BOUNCE + 1];
    CHECK_EQ(rtos_rpc_call(-1, 0, NULL, 0, big, 1, RTOS_FOREVER), HV_EBADF);
    CHECK_EQ(rtos_rpc_call(0, 0, NULL, 0, big, sizeof big, 1000), HV_EINVAL); /* too big to bounce */
    CHECK_EQ(rtos_rpc_call_sync(0, 0, "abc", 3, big, 8), 3);
    CHECK_EQ(nsubmitted, 0);
}

static void evq_getter(void *arg)
{
    struct vmrpc_event ev = {0};
    int32_t r = rtos_rpc_evq_get(0, 0, &ev, (uintptr_t)arg);
    host_tr("get:%d:%u@%llu", r, ev.code, (unsigned long long)rtos_now());
}

TEST(evq_get_polls_without_waiting_in_the_hypervisor)
{
    setup();
    spawn("g", evq_getter, (void *)RTOS_FOREVER, 5);
    host_run(LIMIT);
    CHECK_STR(host_trace, "get:0:42@2000 "); /* two empty polls, RTOS_RPC_EVQ_POLL_US apart */
    setup();
    spawn("g", evq_getter, (void *)500, 5);
    host_run(LIMIT);
    CHECK_STR(host_trace, "get:-11:0@500 ");
}
