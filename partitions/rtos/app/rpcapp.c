/* VMRPC in the applications: serving the standard modules (option rpc),
 * binding the peer's, and the demo's periodic call of the peer's
 * sysinfo. */
#include "partitions/common/console.h"
#include "partitions/common/lib.h"
#include "partitions/common/vmrpc_hc.h"
#include "partitions/rtos/app/app.h"
#include "partitions/rtos/arch/x86/hv.h"
#include "partitions/rtos/arch/x86/rpc.h"

#define BIND_RETRY_MS 50
#define DEMO_PRIO 12          /* below the demo's heartbeats (10, 11) */
#define DEMO_CALL_MS 500      /* a sysinfo call's deadline */
#define EVQ_PRIO 29           /* the drain is background work */
#define EVQ_DRAIN_MS 500

static int serving;

static void evq_start(uint32_t capacity);

static int rpc_wanted(const struct options *o)
{
    if (o->rpc != RPC_AUTO)
        return o->rpc == RPC_ON;
    return o->app == APP_DEMO || o->app == APP_RPCTEST || o->app == APP_RPCBENCH;
}

void rpc_serve_start(const struct options *o)
{
    const char *failed = "";
    if (!rpc_wanted(o))
        return;
    if (!hv_present()) {
        say("rpc: no hypervisor: not serving");
        return;
    }
    int32_t r = rtos_rpc_serve_standard(rpc_port_platform(), o->rpc_prio, (enum vmrpc_recv_mode)o->rpc_mode, &failed);
    if (r < 0) {
        say("rpc: cannot serve %s: %s", failed, vmrpc_strerror(r));
        return;
    }
    serving = 1;
    if (o->rpc_mode == VMRPC_RECV_POLL)
        say("rpc: serving sysinfo and echo (poll: the idle task serves, interrupts open, guard %llu ticks)",
            rtos_rpc_guard());
    else
        say("rpc: serving sysinfo and echo (%s, vector 0x%x, priority %u, guard %llu ticks)",
            o->rpc_mode == VMRPC_RECV_WAIT ? "echo waits" : "doorbell", o->rpc_vector, o->rpc_prio,
            rtos_rpc_guard());
    if (o->rpc_evq)
        evq_start(o->rpc_evq);
}

int rpc_serving(void) { return serving; }

static int32_t evq_desc;
static uint32_t evq_queue;

/* Every EVQ_DRAIN_MS: take every event clients put, and say so. */
static void evq_drain_task(void *arg)
{
    (void)arg;
    struct vmrpc_event ev;
    struct vmrpc_evq_info info;
    for (;;) {
        rtos_sleep_us(EVQ_DRAIN_MS * 1000);
        uint32_t n = 0;
        int32_t r;
        while ((r = rtos_rpc_evq_get(evq_desc, evq_queue, &ev, RTOS_NO_WAIT)) == 0) {
            say("rpc: event code %u lost %u", ev.code, ev.lost);
            n++;
        }
        if (r != HV_EAGAIN) {
            say("rpc: evq get -> %s, no more draining", vmrpc_strerror(r));
            return;
        }
        if (n && rtos_rpc_evq_info(evq_desc, evq_queue, &info) == 0)
            say("rpc: evq overflows %u", info.overflows);
    }
}

/* rpc_evq=N: a queue on echo that clients fill (the test kernel's
 * rpc_call sequence does), drained by a background task. */
static void evq_start(uint32_t capacity)
{
    evq_desc = rtos_rpc_served_desc(VMRPC_ECHO);
    int32_t q = rtos_rpc_evq_create(evq_desc, capacity);
    if (q < 0) {
        say("rpc: evq create on echo -> %s", vmrpc_strerror(q));
        return;
    }
    evq_queue = (uint32_t)q;
    say("rpc: event queue %d on echo, capacity %u", q, capacity);
    app_spawn("evq-drain", evq_drain_task, NULL, EVQ_PRIO);
}

/* "peer/module": the peer boots in parallel and may not have registered
 * yet, so HV_ENOENT is retried for wait_ms. */
int32_t rpc_bind_peer(const char *peer, const char *module, uint32_t version, uint32_t wait_ms)
{
    char name[VMRPC_BIND_NAME_MAX];
    size_t p = kstrlen(peer), m = kstrlen(module);
    if (p + 1 + m >= sizeof name)
        return HV_EINVAL;
    memcpy(name, peer, p);
    name[p] = '/';
    memcpy(name + p + 1, module, m + 1);
    rtos_tick_t until = rtos_now() + rtos_us_to_ticks(wait_ms * 1000ull);
    for (;;) {
        int32_t d = rtos_rpc_bind(name, version);
        if (d != HV_ENOENT || rtos_now() >= until)
            return d;
        rtos_sleep_us(BIND_RETRY_MS * 1000);
    }
}

/* A size as "N KiB" below 10 MiB, else "N MiB" (rounded down). */
static void say_size(uint64_t bytes)
{
    if (bytes < (10ull << 20))
        say_more("%llu KiB", bytes >> 10);
    else
        say_more("%llu MiB", bytes >> 20);
}

/* "os 'NAME', uptime U ms, memory used X of Y (P%), free F, load L.L%,
 * tasks T[, latency ...], deadline misses D" of a sysinfo answer, after
 * prefix. The name comes from the other partition: only printable ASCII
 * goes to the console. */
void rpc_say_sysinfo(const char *prefix, const struct vmrpc_sysinfo *si)
{
    char os[sizeof si->os_name + 1];
    for (unsigned i = 0; i < sizeof si->os_name; i++) {
        char c = si->os_name[i];
        os[i] = c && (c < 0x20 || c > 0x7E) ? '?' : c;
    }
    os[sizeof si->os_name] = 0;
    uint64_t total = si->mem_total_bytes, used = si->mem_used_bytes < total ? si->mem_used_bytes : total;
    uint64_t tk = total >> 10, uk = used >> 10; /* the percentage in KiB: no overflow */
    while (tk > UINT32_MAX)
        tk >>= 10, uk >>= 10;
    uint32_t pct = tk ? (uint32_t)udiv64_32(uk * 100, (uint32_t)tk, NULL) : 0;
    say_begin();
    say_more("%sos '%s', uptime %llu ms, memory used ", prefix, os, udiv64_32(si->uptime_us, 1000, NULL));
    say_size(used);
    say_more(" of ");
    say_size(total);
    say_more(" (%u%%), free ", pct);
    say_size(si->mem_free_bytes);
    say_more(", load %u.%u%%, tasks %u", si->cpu_load_permille / 10, si->cpu_load_permille % 10, si->task_count);
    if (si->has_latency)
        say_more(", latency %u samples min %llu avg %llu max %llu ticks", si->latency_samples, si->latency_min_ticks,
                 si->latency_avg_ticks, si->latency_max_ticks);
    say_more(", deadline misses %llu", si->deadline_misses);
    say_end();
}

/* demo: each heartbeat period, "PEER sysinfo: ..." or the error. A task
 * of its own, so that a slow peer never delays a heartbeat. */
static void demo_peer_task(void *arg)
{
    const struct options *o = arg;
    static struct vmrpc_sysinfo si;
    char prefix[OPT_PEER_MAX + 16];
    int32_t d = HV_EBADF;
    struct rtos_period p;
    size_t n = kstrlen(o->rpc_peer);
    memcpy(prefix, o->rpc_peer, n);
    memcpy(prefix + n, " sysinfo: ", 11);
    rtos_period_init(&p, o->heartbeat_ms * 1000ull);
    for (;;) {
        rtos_period_wait(&p);
        if (d < 0)
            d = rpc_bind_peer(o->rpc_peer, VMRPC_SYSINFO, VMRPC_SYSINFO_VERSION, 0);
        int32_t r = d < 0 ? d
                          : rtos_rpc_call(d, VMRPC_SYSINFO_GET, NULL, 0, &si, sizeof si,
                                          rtos_now() + rtos_us_to_ticks(DEMO_CALL_MS * 1000ull));
        if (r == (int32_t)sizeof si) {
            rpc_say_sysinfo(prefix, &si);
            continue;
        }
        say("%s%s", prefix, r >= 0 ? "short answer" : vmrpc_strerror(r));
        if (d >= 0 && (r == HV_EPIPE || r == HV_EBADF)) { /* the server went away: bind again later */
            rtos_rpc_unbind(d);
            d = HV_EBADF;
        }
    }
}

void rpc_demo_start(const struct options *o)
{
    if (rpc_wanted(o) && hv_present())
        app_spawn("demo-rpc", demo_peer_task, (void *)o, DEMO_PRIO);
}
