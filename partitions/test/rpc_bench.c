/* rpc_bench=PARTITION: VMRPC figures against PARTITION/echo, each the
 * mean over rpc_bench_n calls timed with RDTSC (under Bochs: exact path
 * lengths). Exits and hypervisor time per call come from both sides:
 * HC_EXIT_STATS here, VMRPC_ECHO_STATS (the server CPU's) there. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/hv.h"
#include "partitions/common/lib.h"
#include "partitions/gp-os/vmrpc_lib.h"
#include "partitions/test/irq.h"
#include "partitions/test/rpc.h"
#include "partitions/test/tsc.h"

#define BIG_MSG 4096
#define IRQ_WAIT_MS 2000

static uint8_t req[BIG_MSG] __attribute__((aligned(64)));
static uint8_t resp[2][BIG_MSG] __attribute__((aligned(64)));
static struct vmrpc_async calls[2] ABI_ALIGNED;
static struct hv_exit_stats cli_before ABI_ALIGNED, cli_after ABI_ALIGNED;
static struct vmrpc_echo_stats srv_before ABI_ALIGNED, srv_after ABI_ALIGNED;

static const char *peer;
static uint32_t n;
static int32_t d_echo, d_echo2;

static int bench_error(const char *what, int32_t r)
{
    say("rpc: bench %s -> %s (%d), stopped", what, rpc_errname(r), r);
    return -1;
}

/* 100 * a / b as "I.FF". */
static void say_ratio(const char *name, uint64_t a, uint64_t b)
{
    uint64_t x = b ? a * 100 / b : 0;
    uint32_t frac;
    uint64_t whole = udiv64_32(x, 100, &frac);
    say("BENCH %s %llu.%02u", name, whole, frac);
}

static int snapshot(struct hv_exit_stats *c, struct vmrpc_echo_stats *s)
{
    int32_t r = hc(HC_EXIT_STATS, (uint32_t)c, sizeof *c, 0, 0);
    if (r < 0)
        return bench_error("HC_EXIT_STATS", r);
    r = vmrpc_client_call((uint32_t)d_echo, VMRPC_ECHO_STATS, 0, 0, s, sizeof *s);
    if (r != (int32_t)sizeof *s)
        return bench_error("echo stats", r < 0 ? r : HV_EMSGSIZE);
    return 0;
}

static int bench_null(void)
{
    if (snapshot(&cli_before, &srv_before))
        return -1;
    uint64_t t0 = rdtsc_ordered();
    for (uint32_t i = 0; i < n; i++) {
        int32_t r = vmrpc_client_call((uint32_t)d_echo, VMRPC_ECHO_NULL, 0, 0, resp[0], 0);
        if (r != 0)
            return bench_error("null call", r);
    }
    uint64_t ticks = rdtsc_ordered() - t0;
    if (snapshot(&cli_after, &srv_after))
        return -1;
    say("BENCH vmrpc_null_roundtrip_ticks %llu", ticks / n);
    /* Both snapshots' own calls are inside the windows: one stats call
     * each side, noise of 1/n per call. */
    uint64_t exits = (cli_after.total - cli_before.total) + (srv_after.exits - srv_before.exits);
    uint64_t root = (cli_after.root_ticks - cli_before.root_ticks) + (srv_after.root_ticks - srv_before.root_ticks);
    say_ratio("vmrpc_null_roundtrip_exits", exits, n);
    say("BENCH vmrpc_hv_instructions %llu", root / n);
    return 0;
}

static int bench_4k(void)
{
    for (uint32_t i = 0; i < BIG_MSG; i++)
        req[i] = (uint8_t)i;
    uint64_t t0 = rdtsc_ordered();
    for (uint32_t i = 0; i < n; i++) {
        int32_t r = vmrpc_client_call((uint32_t)d_echo, VMRPC_ECHO_ECHO, req, BIG_MSG, resp[0], BIG_MSG);
        if (r != BIG_MSG)
            return bench_error("4k echo", r < 0 ? r : HV_EMSGSIZE);
    }
    uint64_t ticks = rdtsc_ordered() - t0;
    if (memcmp(req, resp[0], BIG_MSG))
        say("rpc: bench 4k echo: response differs");
    say("BENCH vmrpc_4k_roundtrip_ticks %llu", ticks / n);
    return 0;
}

static int32_t submit(uint32_t i, int32_t desc)
{
    return vmrpc_client_call_async(&calls[i], (uint32_t)desc, VMRPC_ECHO_NULL, 0, 0, resp[i], 0, i);
}

/* Submission to the completion interrupt, one call at a time. */
static int bench_async(void)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t irqs = irq_rpc_count();
        uint64_t t0 = rdtsc_ordered();
        int32_t r = submit(0, d_echo);
        if (r < 0)
            return bench_error("async submit", r);
        do { /* an interrupt that finds done set is the completion (others: doorbells we serve) */
            if (!rpc_wait_irq(irqs, tsc_ticks_ms(IRQ_WAIT_MS)))
                return bench_error("async completion interrupt", HV_ETIMEDOUT);
            irqs = irq_rpc_count();
        } while (!vmrpc_async_done(&calls[0]));
        total += irq_rpc_last_tsc() - t0;
        if (vmrpc_async_result(&calls[0]) != 0)
            return bench_error("async result", vmrpc_async_result(&calls[0]));
    }
    say("BENCH vmrpc_async_null_roundtrip_ticks %llu", total / n);
    return 0;
}

/* Two callers, each with its own descriptor and one call always out:
 * throughput rather than latency. Completions are seen by polling done;
 * the interrupt wakes nothing here, it only has to arrive (and be EOIed). */
static int bench_two_outstanding(void)
{
    int32_t desc[2] = {d_echo, d_echo2 >= 0 ? d_echo2 : d_echo};
    int out[2] = {0, 0};
    uint32_t submitted = 0, completed = 0;
    uint64_t t0 = rdtsc_ordered(), end = t0 + tsc_ticks_ms(IRQ_WAIT_MS) + (uint64_t)n * tsc_ticks_ms(10);
    irq_enable();
    while (completed < n) {
        if (expired_tsc(end))
            return bench_error("two outstanding (completions missing)", HV_ETIMEDOUT);
        for (uint32_t i = 0; i < 2; i++) {
            if (out[i] && !vmrpc_async_done(&calls[i]))
                continue;
            if (out[i]) {
                if (vmrpc_async_result(&calls[i]) != 0)
                    return bench_error("async result", vmrpc_async_result(&calls[i]));
                completed++;
                out[i] = 0;
            }
            if (submitted < n) {
                int32_t r = submit(i, desc[i]);
                if (r < 0)
                    return bench_error("async submit", r);
                submitted++;
                out[i] = 1;
            }
        }
    }
    uint64_t ticks = rdtsc_ordered() - t0;
    say_ratio("vmrpc_calls_per_mtick", (uint64_t)completed * 1000000, ticks);
    return 0;
}

static void bench_evq(void)
{
    static struct vmrpc_evq_info info ABI_ALIGNED;
    static struct vmrpc_event ev ABI_ALIGNED;
    int32_t r = vmrpc_evq_info((uint32_t)d_echo, 0, &info);
    if (r < 0) {
        say("rpc: bench evq_put_get_ticks skipped: no queue 0 on %s/echo (%s)", peer, rpc_errname(r));
        return;
    }
    uint64_t total = 0;
    uint32_t pairs = 0, stolen = 0;
    for (uint32_t i = 0; i < n; i++) {
        ev = (struct vmrpc_event){.code = i};
        uint64_t t0 = rdtsc_ordered();
        r = vmrpc_evq_put((uint32_t)d_echo, 0, &ev);
        int32_t g = r == 0 ? vmrpc_evq_get((uint32_t)d_echo, 0, &ev, 0) : r;
        uint64_t t = rdtsc_ordered() - t0;
        if (r == HV_EBUSY || g == HV_EAGAIN) { /* the server's drain got there first */
            stolen++;
            continue;
        }
        if (g < 0)
            return (void)bench_error("evq put/get", g);
        total += t;
        pairs++;
    }
    if (pairs)
        say("BENCH evq_put_get_ticks %llu", total / pairs);
    if (stolen)
        say("rpc: bench evq: %u of %u pairs raced with the server's drain, left out", stolen, n);
}

void rpc_bench_run(const struct rpc_env *env)
{
    peer = env->opt->rpc_bench;
    n = env->opt->rpc_bench_n;
    say("rpc: bench against %s/echo, %u calls per figure", peer, n);
    d_echo = rpc_wait_and_bind(peer, VMRPC_ECHO, VMRPC_ECHO_VERSION);
    if (d_echo < 0)
        return;
    d_echo2 = vmrpc_client_bind(peer, VMRPC_ECHO, VMRPC_ECHO_VERSION);
    if (d_echo2 < 0)
        say("rpc: second binding -> %s: both async callers share one descriptor", rpc_errname(d_echo2));
    if (!bench_null() && !bench_4k() && !bench_async() && !bench_two_outstanding())
        bench_evq();
    vmrpc_unbind((uint32_t)d_echo);
    if (d_echo2 >= 0)
        vmrpc_unbind((uint32_t)d_echo2);
    say("rpc: bench done");
}

void rpc_load_run(const struct rpc_env *env)
{
    const char *target = env->opt->rpc_load;
    int32_t d = rpc_wait_and_bind(target, VMRPC_ECHO, VMRPC_ECHO_VERSION);
    if (d < 0)
        halt_forever();
    say("rpc: load: calling %s/echo without pause", target);
    uint32_t errors = 0;
    for (;;) {
        int32_t r = vmrpc_client_call((uint32_t)d, VMRPC_ECHO_NULL, 0, 0, resp[0], 0);
        if (r != 0 && errors++ < 4)
            say("rpc: load: call -> %s", rpc_errname(r));
    }
}
