/* app=rpcbench: VMRPC costs against rpc_peer's echo, as a partition.
 * rpc_calls round trips per figure (after a warm-up), TSC ticks (in Bochs:
 * instructions):
 *   BENCH vmrpc_null_roundtrip_ticks AVG    HC_RPC_CALL of VMRPC_ECHO_NULL
 *   BENCH vmrpc_null_roundtrip_exits E      VM exits per round trip, both CPUs
 *   BENCH vmrpc_hv_instructions R           hypervisor (root-mode) ticks per round trip, both CPUs
 *   BENCH vmrpc_4k_roundtrip_ticks AVG      HC_RPC_CALL echoing 4096 bytes
 *   BENCH vmrpc_async_null_roundtrip_ticks AVG   rtos_rpc_call (async + completion interrupt)
 *   BENCH vmrpc_calls_per_mtick X           two tasks calling at once: calls per 10^6 ticks
 * then powers off (0, or 1 if a call failed). */
#include "partitions/common/console.h"
#include "partitions/common/lib.h"
#include "partitions/common/vmrpc_hc.h"
#include "partitions/rtos/app/app.h"
#include "partitions/rtos/arch/x86/hv.h"
#include "partitions/rtos/arch/x86/power.h"
#include "partitions/rtos/arch/x86/rpc.h"

#define MAIN_PRIO 5
#define WARMUP 10
#define BIND_WAIT_MS 10000
#define MSG_4K 4096

static const struct options *opt;
static int32_t d_echo;
static uint32_t errors;
static int32_t last_error;
static uint8_t buf_out[MSG_4K], buf_in[MSG_4K];
static rtos_sem_t done;

struct cost {
    uint64_t exits, root_ticks;
};

static void count(int32_t r, int32_t want)
{
    if (r != want) {
        errors++;
        last_error = r;
    }
}

/* Sync calls of proc with n bytes; average ticks per call. */
static uint64_t sync_loop(uint32_t proc, uint32_t n, uint32_t iters)
{
    uint64_t t0 = rtos_now();
    for (uint32_t i = 0; i < iters; i++)
        count(rtos_rpc_call_sync(d_echo, proc, buf_out, n, buf_in, sizeof buf_in), (int32_t)n);
    return udiv64_32(rtos_now() - t0, iters, NULL);
}

static uint64_t async_loop(uint32_t iters)
{
    uint64_t t0 = rtos_now();
    for (uint32_t i = 0; i < iters; i++)
        count(rtos_rpc_call(d_echo, VMRPC_ECHO_NULL, NULL, 0, NULL, 0, RTOS_FOREVER), 0);
    return udiv64_32(rtos_now() - t0, iters, NULL);
}

static int32_t server_cost(struct cost *c)
{
    struct vmrpc_echo_stats es;
    int32_t r = rtos_rpc_call_sync(d_echo, VMRPC_ECHO_STATS, NULL, 0, &es, sizeof es);
    if (r != (int32_t)sizeof es)
        return r < 0 ? r : HV_EMSGSIZE;
    c->exits = es.exits;
    c->root_ticks = es.root_ticks;
    return 0;
}

/* "X.YY" of a/b. */
static void say_ratio(const char *name, uint64_t a, uint32_t b, const char *note)
{
    uint32_t rem;
    uint64_t q = udiv64_32(a * 100, b, &rem);
    say("BENCH %s %llu.%02u%s", name, udiv64_32(q, 100, NULL), (uint32_t)(q % 100), note);
}

/* Null round trips with both CPUs' exit counters around them. Between the
 * two server readings the server also answers the first STATS call (its
 * reply) and takes the second one's HC_EXIT_STATS: 2 exits not ours. The
 * client's second HC_EXIT_STATS is counted before its copy: 1 not ours. */
static void null_roundtrips(uint32_t n)
{
    struct cost s0 = {0}, s1 = {0}, c0 = {0}, c1 = {0};
    int32_t sr = server_cost(&s0);
    rpc_port_exit_stats(&c0.exits, &c0.root_ticks);
    uint64_t avg = sync_loop(VMRPC_ECHO_NULL, 0, n);
    rpc_port_exit_stats(&c1.exits, &c1.root_ticks);
    if (sr == 0)
        sr = server_cost(&s1);
    say("BENCH vmrpc_null_roundtrip_ticks %llu", avg);
    uint64_t exits = c1.exits - c0.exits - 1, root = c1.root_ticks - c0.root_ticks;
    if (sr == 0) {
        exits += s1.exits - s0.exits - 2;
        root += s1.root_ticks - s0.root_ticks;
        say_ratio("vmrpc_null_roundtrip_exits", exits, n, "");
        say("BENCH vmrpc_hv_instructions %llu", udiv64_32(root, n, NULL));
    } else {
        say_ratio("vmrpc_null_roundtrip_exits", exits, n, " (client only: server STATS failed)");
        say("BENCH vmrpc_hv_instructions %llu (client only: server STATS -> %s)", udiv64_32(root, n, NULL),
            vmrpc_strerror(sr));
    }
}

static void pair_task(void *arg)
{
    async_loop((uint32_t)(uintptr_t)arg);
    rtos_sem_give(&done);
}

static void two_tasks(uint32_t n)
{
    rtos_sem_init(&done, 0);
    uint64_t t0 = rtos_now();
    app_spawn("bench-1", pair_task, (void *)(uintptr_t)n, MAIN_PRIO + 1);
    app_spawn("bench-2", pair_task, (void *)(uintptr_t)n, MAIN_PRIO + 1);
    rtos_sem_take(&done, RTOS_FOREVER);
    rtos_sem_take(&done, RTOS_FOREVER);
    uint64_t span = rtos_now() - t0;
    say("BENCH vmrpc_calls_per_mtick %llu", span ? (2ull * n * 1000000) / span : 0);
}

static void bench_task(void *arg)
{
    (void)arg;
    uint32_t n = opt->rpc_calls;
    d_echo = rpc_bind_peer(opt->rpc_peer, VMRPC_ECHO, VMRPC_ECHO_VERSION, BIND_WAIT_MS);
    if (d_echo < 0) {
        say("rpc: bind %s/echo -> %s", opt->rpc_peer, vmrpc_strerror(d_echo));
        power_off(POWER_EXIT_FAIL);
    }
    say("rpc: bench against %s/echo, %u calls per figure", opt->rpc_peer, n);
    for (uint32_t i = 0; i < MSG_4K; i++)
        buf_out[i] = (uint8_t)i;
    sync_loop(VMRPC_ECHO_NULL, 0, WARMUP);
    null_roundtrips(n);
    say("BENCH vmrpc_4k_roundtrip_ticks %llu", sync_loop(VMRPC_ECHO_ECHO, MSG_4K, n));
    if (memcmp(buf_out, buf_in, MSG_4K))
        count(-1, 0);
    async_loop(WARMUP);
    say("BENCH vmrpc_async_null_roundtrip_ticks %llu", async_loop(n));
    two_tasks(n);
    say("rpc: bench done, %u failed calls%s%s", errors, errors ? ", last: " : "",
        errors ? vmrpc_strerror(last_error) : "");
    power_off(errors ? POWER_EXIT_FAIL : POWER_EXIT_PASS);
}

void rpcbench_start(const struct options *o)
{
    opt = o;
    if (!hv_present()) {
        say("BENCH vmrpc skipped: no hypervisor");
        power_off(POWER_EXIT_FAIL);
    }
    app_spawn("rpcbench", bench_task, NULL, MAIN_PRIO);
}
