/* The standard modules every partition serves the same way
 * (include/vmrpc_abi.h): sysinfo and echo. */
#include "partitions/rtos/kernel/kernel.h"
#include "partitions/rtos/rpc/rpc_int.h"

static const struct rtos_rpc_platform *platform;

/* Latency samples noted by a measurement (rtos_rpc_note_latency). */
static struct {
    uint32_t samples;
    uint64_t min, max, sum;
} lat;

/* The previous sysinfo call, for the load over the span since then. */
static rtos_tick_t load_prev_now;
static uint64_t load_prev_idle;

static uint64_t echo_calls;

void rtos_rpc_note_latency(uint64_t ticks)
{
    port_irq_state_t s = port_irq_save();
    if (!lat.samples || ticks < lat.min)
        lat.min = ticks;
    if (ticks > lat.max)
        lat.max = ticks;
    lat.sum += ticks;
    lat.samples++;
    port_irq_restore(s);
}

void rtos_rpc_get_latency(struct rtos_rpc_latency *out)
{
    port_irq_state_t s = port_irq_save();
    uint32_t n = lat.samples;
    uint64_t min = lat.min, max = lat.max, sum = lat.sum;
    port_irq_restore(s);
    *out = (struct rtos_rpc_latency){n, min, n ? rtos_udiv64(sum, n, NULL) : 0, max};
}

static void fill_latency(struct vmrpc_sysinfo *si)
{
    struct rtos_rpc_latency l;
    rtos_rpc_get_latency(&l);
    if (l.samples) {
        si->has_latency = 1;
        si->latency_samples = l.samples;
        si->latency_min_ticks = l.min_ticks;
        si->latency_avg_ticks = l.avg_ticks;
        si->latency_max_ticks = l.max_ticks;
    }
}

static void fill_sysinfo(struct vmrpc_sysinfo *si)
{
    struct rtos_stats st;
    rtos_tick_t now = rtos_now();
    rtos_get_stats(&st);
    rtos_memset(si, 0, sizeof *si);
    const char *name = platform && platform->os_name ? platform->os_name : "rtos";
    for (unsigned i = 0; name[i] && i < sizeof si->os_name - 1; i++)
        si->os_name[i] = name[i];
    if (platform) {
        si->uptime_us = rpc_ticks_to_us(now - platform->boot_tsc, rtos_tsc_hz());
        si->mem_total_bytes = platform->mem_total;
        si->mem_used_bytes = platform->mem_used < platform->mem_total ? platform->mem_used : platform->mem_total;
        si->mem_free_bytes = platform->mem_total - si->mem_used_bytes;
    }
    si->cpu_load_permille = rpc_load_permille(now, st.idle_ticks, &load_prev_now, &load_prev_idle);
    si->task_count = rtos_task_count();
    si->deadline_misses = st.deadline_misses;
    fill_latency(si);
}

static int32_t sysinfo_handler(void *ctx, const struct rtos_rpc_request *rq, void *resp, uint32_t cap)
{
    (void)ctx;
    struct vmrpc_sysinfo si;
    if (rq->proc != VMRPC_SYSINFO_GET)
        return HV_EINVAL;
    if (cap < sizeof si)
        return HV_EMSGSIZE;
    fill_sysinfo(&si);
    rtos_memcpy(resp, &si, sizeof si);
    return sizeof si;
}

/* The response overwrites the request in the same slot: echo has
 * nothing to copy there. */
static int32_t echo_handler(void *ctx, const struct rtos_rpc_request *rq, void *resp, uint32_t cap)
{
    (void)ctx;
    echo_calls++;
    switch (rq->proc) {
    case VMRPC_ECHO_ECHO:
        if (rq->len > cap)
            return HV_EMSGSIZE;
        if (resp != rq->data)
            rtos_memcpy(resp, rq->data, rq->len);
        return (int32_t)rq->len;
    case VMRPC_ECHO_NULL:
        return 0;
    case VMRPC_ECHO_STATS: {
        struct vmrpc_echo_stats es = {.calls = echo_calls};
        if (cap < sizeof es)
            return HV_EMSGSIZE;
        int32_t r = platform && platform->exit_stats ? platform->exit_stats(&es.exits, &es.root_ticks) : HV_ENOSYS;
        if (r < 0)
            return r;
        rtos_memcpy(resp, &es, sizeof es);
        return sizeof es;
    }
    default:
        return HV_EINVAL;
    }
}

int32_t rtos_rpc_serve_standard(const struct rtos_rpc_platform *p, unsigned priority, enum vmrpc_recv_mode mode,
                                const char **failed)
{
    platform = p;
    load_prev_now = p ? p->boot_tsc : 0;
    /* Two modules parked in HC_RPC_WAIT on one CPU would take turns only
     * at interrupts: sysinfo always rings the doorbell (which also ends
     * echo's wait with HV_EINTR), and a waiting echo gets the idle
     * priority so that it never keeps a task from running. In poll mode
     * both modules are served by the idle task (its masked sections:
     * sysinfo's copies of the kernel's counters, a few instructions). */
    int32_t r = rtos_rpc_serve(VMRPC_SYSINFO, VMRPC_SYSINFO_VERSION, 1, sysinfo_handler, NULL, priority,
                               mode == VMRPC_RECV_POLL ? VMRPC_RECV_POLL : VMRPC_RECV_DOORBELL);
    if (r < 0) {
        *failed = VMRPC_SYSINFO;
        return r;
    }
    unsigned echo_prio = mode == VMRPC_RECV_WAIT ? RTOS_PRIORITIES - 1 : priority;
    r = rtos_rpc_serve(VMRPC_ECHO, VMRPC_ECHO_VERSION, 3, echo_handler, NULL, echo_prio, mode);
    if (r < 0) {
        *failed = VMRPC_ECHO;
        return r;
    }
    return 0;
}

void rpc_modules_reset(void)
{
    platform = NULL;
    rtos_memset(&lat, 0, sizeof lat);
    load_prev_now = 0;
    load_prev_idle = 0;
    echo_calls = 0;
}
