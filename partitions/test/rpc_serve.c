/* The standard modules, sysinfo and echo, served as include/vmrpc_abi.h
 * says, and the idle loop that serves them; see rpc.h and README.md.
 *
 * One CPU serves both. Doorbell mode: the rpc_vector interrupt handler
 * answers every request (so requests are served whenever IF = 1, also
 * while this kernel runs its own client tests), and the idle loop halts
 * with interrupts on. Wait mode: the CPU parks in echo's HC_RPC_WAIT;
 * sysinfo still rides on doorbells, whose interrupt ends the wait with
 * HV_EINTR (a CPU can wait on one module only). */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/hv.h"
#include "partitions/common/lib.h"
#include "partitions/gp-os/vmrpc_lib.h"
#include "partitions/test/irq.h"
#include "partitions/test/rpc.h"
#include "partitions/test/smp.h"
#include "partitions/test/tsc.h"

#define KERNEL_BASE 0x100000u /* linker.ld */
#define ECHO_SLOTS 4
#define ECHO_MSG 4096
#define SYSINFO_SLOTS 2
#define ECHO_SLOT_SIZE VMRPC_SLOT_SIZE_FOR(ECHO_MSG)
#define SYSINFO_SLOT_SIZE VMRPC_SLOT_SIZE_FOR(sizeof(struct vmrpc_sysinfo))
#define EVQ_DRAIN_MS 10 /* the event queue's low-priority drain period */

extern char __bss_end[];

static uint8_t echo_ring[ECHO_SLOTS * ECHO_SLOT_SIZE] __attribute__((aligned(64)));
static uint8_t sysinfo_ring[SYSINFO_SLOTS * SYSINFO_SLOT_SIZE] __attribute__((aligned(64)));
static struct vmrpc_server sysinfo_srv, echo_srv;

static const struct rpc_env *env;
static int serving;
static uint64_t echo_calls;
static uint32_t echo_requests;
static int32_t evq = -1; /* echo's event queue */
static uint64_t next_drain;
static struct hv_exit_stats exit_stats ABI_ALIGNED; /* 656 bytes: not on the stack */

/* sysinfo's load figure: since the previous call. */
static uint64_t load_prev_tsc, load_prev_idle;

static uint32_t load_permille(uint64_t now)
{
    if (env->opt->rpc_serve == RPC_SERVE_WAIT)
        return 1000; /* parked in the hypervisor: never idle as far as we can tell */
    uint64_t elapsed = now - load_prev_tsc, idle = irq_idle_ticks() - load_prev_idle;
    load_prev_tsc = now;
    load_prev_idle += idle;
    if (!elapsed || idle >= elapsed)
        return 0;
    return (uint32_t)((elapsed - idle) * 1000 / elapsed);
}

static void fill_sysinfo(struct vmrpc_sysinfo *si)
{
    uint64_t now = rdtsc();
    *si = (struct vmrpc_sysinfo){.os_name = "testpart"};
    uint32_t khz = (uint32_t)udiv64_32(tsc_hz(), 1000, NULL);
    si->uptime_us = udiv64_32((now - env->boot_tsc) * 1000, khz ? khz : 1, NULL);
    si->mem_total_bytes = env->mem_total;
    /* Image, .bss (boot and AP stacks, the rings) from the load address. */
    si->mem_used_bytes = (uint32_t)__bss_end - KERNEL_BASE;
    if (si->mem_used_bytes > si->mem_total_bytes)
        si->mem_used_bytes = si->mem_total_bytes;
    si->mem_free_bytes = si->mem_total_bytes - si->mem_used_bytes;
    si->cpu_load_permille = load_permille(now);
    si->task_count = smp_cpus_up();
}

static int32_t sysinfo_handler(void *ctx, uint32_t proc, const void *req, uint32_t req_len, void *resp,
                               uint32_t resp_cap)
{
    (void)ctx, (void)req, (void)req_len;
    if (proc != VMRPC_SYSINFO_GET)
        return HV_EINVAL;
    if (resp_cap < sizeof(struct vmrpc_sysinfo))
        return HV_EMSGSIZE;
    struct vmrpc_sysinfo si;
    fill_sysinfo(&si);
    memcpy(resp, &si, sizeof si);
    return sizeof si;
}

static int32_t echo_stats(void *resp, uint32_t resp_cap)
{
    if (resp_cap < sizeof(struct vmrpc_echo_stats))
        return HV_EMSGSIZE;
    int32_t r = hc(HC_EXIT_STATS, (uint32_t)&exit_stats, sizeof exit_stats, 0, 0);
    if (r < 0)
        return r;
    struct vmrpc_echo_stats st = {echo_calls, exit_stats.total, exit_stats.root_ticks};
    memcpy(resp, &st, sizeof st);
    return sizeof st;
}

static int32_t echo_handler(void *ctx, uint32_t proc, const void *req, uint32_t req_len, void *resp,
                            uint32_t resp_cap)
{
    (void)ctx;
    echo_calls++;
    if (env->opt->rpc_unregister_after && ++echo_requests == env->opt->rpc_unregister_after) {
        /* The caller is left waiting on this request: the hypervisor must
         * fail it with HV_EPIPE. */
        int32_t r = vmrpc_server_unregister(&echo_srv);
        if (r < 0)
            say("rpc: unregister echo -> %s", rpc_errname(r));
        else
            say("rpc: unregistered echo with a call pending");
        return VMRPC_DEFER;
    }
    switch (proc) {
    case VMRPC_ECHO_ECHO:
        if (req_len > resp_cap)
            return HV_EMSGSIZE;
        if (resp != req) /* the same slot with this library: nothing to move */
            memmove(resp, req, req_len);
        return (int32_t)req_len;
    case VMRPC_ECHO_NULL:
        return 0;
    case VMRPC_ECHO_STATS:
        return echo_stats(resp, resp_cap);
    default:
        return HV_EINVAL;
    }
}

/* rpc_vector: doorbells of the modules registered in doorbell mode. A
 * wait-mode module is the hypervisor's to hand out through HC_RPC_WAIT:
 * answering it here as well would reply twice. */
static void on_rpc_interrupt(void)
{
    if (sysinfo_srv.mode == VMRPC_RECV_DOORBELL && vmrpc_server_registered(&sysinfo_srv))
        vmrpc_server_poll(&sysinfo_srv);
    if (echo_srv.mode == VMRPC_RECV_DOORBELL && vmrpc_server_registered(&echo_srv))
        vmrpc_server_poll(&echo_srv);
}

static int32_t register_module(struct vmrpc_server *s, const char *name, uint32_t version, uint32_t procs,
                               void *ring, uint32_t slots, uint32_t slot_size, uint32_t mode,
                               vmrpc_handler_fn fn)
{
    *s = (struct vmrpc_server){.name = name, .version = version, .proc_count = procs, .ring = ring,
                               .slot_count = slots, .slot_size = slot_size, .mode = mode, .handler = fn,
                               .hypercall_replies = env->opt->rpc_reply_hypercall};
    int32_t r = vmrpc_server_register(s);
    if (r < 0)
        say("rpc: register %s -> %s (%d)", name, rpc_errname(r), r);
    return r;
}

static const char *mode_name(uint32_t mode) { return mode == VMRPC_RECV_WAIT ? "wait" : "doorbell"; }

static void create_evq(void)
{
    evq = vmrpc_evq_create((uint32_t)echo_srv.desc, env->opt->rpc_evq);
    if (evq < 0)
        say("rpc: evq create on echo -> %s (%d)", rpc_errname(evq), evq);
    else
        say("rpc: event queue %d on echo, capacity %u", evq, env->opt->rpc_evq);
    next_drain = rdtsc() + tsc_ticks_ms(EVQ_DRAIN_MS);
}

static void serve_start(void)
{
    uint32_t echo_mode = env->opt->rpc_serve == RPC_SERVE_WAIT ? VMRPC_RECV_WAIT : VMRPC_RECV_DOORBELL;
    int32_t s = register_module(&sysinfo_srv, VMRPC_SYSINFO, VMRPC_SYSINFO_VERSION, 1, sysinfo_ring, SYSINFO_SLOTS,
                                SYSINFO_SLOT_SIZE, VMRPC_RECV_DOORBELL, sysinfo_handler);
    int32_t e = register_module(&echo_srv, VMRPC_ECHO, VMRPC_ECHO_VERSION, 3, echo_ring, ECHO_SLOTS, ECHO_SLOT_SIZE,
                                echo_mode, echo_handler);
    serving = s >= 0 || e >= 0;
    if (s >= 0 && e >= 0)
        say("rpc: serving sysinfo, echo (mode %s)", mode_name(echo_mode));
    if (s >= 0)
        say("rpc: sysinfo descriptor %d, %s, %u slots of %u bytes", s, mode_name(sysinfo_srv.mode), SYSINFO_SLOTS,
            SYSINFO_SLOT_SIZE);
    if (e >= 0)
        say("rpc: echo descriptor %d, %s, %u slots of %u bytes", e, mode_name(echo_mode), ECHO_SLOTS,
            ECHO_SLOT_SIZE);
    if (serving)
        say("rpc: replies to synchronous calls %s", env->opt->rpc_reply_hypercall ? "by HC_RPC_REPLY"
                                                    : echo_mode == VMRPC_RECV_WAIT ? "by HC_RPC_WAIT (echo), exit-free (sysinfo)"
                                                                                   : "exit-free (slot state REPLIED)");
    if (e >= 0 && env->opt->rpc_evq)
        create_evq();
}

int rpc_wanted(const struct options *o) { return o->rpc_serve != RPC_SERVE_NONE || o->rpc_call || o->rpc_bench || o->rpc_load; }
int rpc_serving(void) { return serving; }

int rpc_start(const struct rpc_env *e)
{
    env = e;
    load_prev_tsc = rdtsc();
    if (!hv_present()) {
        say("rpc: no hypervisor: VMRPC options ignored");
        return -1;
    }
    const char *why;
    if (irq_init(e->opt->rpc_vector, &why)) {
        say("rpc: no interrupts (%s): doorbells and async completions will not arrive", why);
    } else {
        irq_set_rpc_handler(on_rpc_interrupt);
        say("rpc: interrupts on, rpc vector 0x%x, timer %s", e->opt->rpc_vector,
            irq_has_timer() ? "TSC-deadline" : "none (no TSC-deadline)");
        irq_enable();
    }
    if (e->opt->rpc_serve != RPC_SERVE_NONE)
        serve_start();
    return 0;
}

/* The low-priority part: every EVQ_DRAIN_MS, take every event queued. */
static void drain_evq(void)
{
    static struct vmrpc_event ev ABI_ALIGNED;
    static struct vmrpc_evq_info info ABI_ALIGNED;
    uint32_t n = 0;
    int32_t r;
    while ((r = vmrpc_evq_get((uint32_t)echo_srv.desc, (uint32_t)evq, &ev, 0)) == 0) {
        say("rpc: event code %u lost %u", ev.code, ev.lost);
        n++;
    }
    if (r != HV_EAGAIN) { /* the queue went with its module, or worse: stop asking */
        say("rpc: evq get -> %s (%d), no more draining", rpc_errname(r), r);
        evq = -1;
    }
    if (n && vmrpc_evq_info((uint32_t)echo_srv.desc, (uint32_t)evq, &info) == 0)
        say("rpc: evq overflows %u", info.overflows);
}

static void maybe_drain(void)
{
    if (evq < 0 || !expired_tsc(next_drain))
        return;
    drain_evq();
    next_drain = rdtsc() + tsc_ticks_ms(EVQ_DRAIN_MS);
}

/* HV_EINTR in echo's wait: take the interrupt (doorbell or timer), then
 * end the wait if the idle period is over. */
static int on_eintr(void *ctx)
{
    vmrpc_take_interrupts();
    uint64_t wake = *(const uint64_t *)ctx;
    return wake && expired_tsc(wake);
}

/* One idle step until wake (0: no deadline), IF = 0 on entry and exit. */
static void idle_step(uint64_t wake)
{
    irq_timer_arm(wake);
    if (echo_srv.mode == VMRPC_RECV_WAIT && vmrpc_server_registered(&echo_srv)) {
        int32_t r = vmrpc_server_serve_wait(&echo_srv, on_eintr, &wake);
        if (r < 0 && r != HV_EPIPE)
            say("rpc: echo wait failed: %s (%d); serving by doorbell only", rpc_errname(r), r);
        if (r < 0)
            echo_srv.mode = VMRPC_RECV_DOORBELL; /* no more waits: leave it to polls */
    } else if (irq_enabled() && (wake == 0 || irq_has_timer())) {
        irq_halt();
    } else { /* no timer to wake us: poll the clock with interrupts on */
        vmrpc_take_interrupts();
    }
}

static uint64_t earlier(uint64_t a, uint64_t b) { return !a ? b : !b ? a : (int64_t)(a - b) < 0 ? a : b; }

void rpc_idle_until(uint64_t deadline)
{
    irq_disable();
    while (!deadline || !expired_tsc(deadline)) {
        maybe_drain();
        idle_step(earlier(deadline, evq >= 0 ? next_drain : 0));
    }
    irq_timer_arm(0);
    if (irq_enabled())
        irq_enable();
}

void rpc_idle_forever(void)
{
    rpc_idle_until(0);
    halt_forever(); /* not reached */
}
