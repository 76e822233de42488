/* Helpers the VMRPC client tests and benchmarks share; see rpc.h. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/gp-os/vmrpc_lib.h"
#include "partitions/test/irq.h"
#include "partitions/test/rpc.h"
#include "partitions/test/tsc.h"

#define REGISTER_WAIT_MS 10000
#define LIST_POLL_MS 1

const char *rpc_errname(int32_t r)
{
    if (r >= 0)
        return "success";
    const char *n = vmrpc_strerror(r);
    return n[0] == '?' ? "error" : n;
}

/* The server partition boots alongside us: give it time to register
 * (HC_RPC_LIST says when), rather than failing the first bind. */
static int32_t wait_registered(const char *partition, const char *module)
{
    static struct vmrpc_module_info info ABI_ALIGNED;
    uint64_t end = rdtsc() + tsc_ticks_ms(REGISTER_WAIT_MS);
    int32_t r;
    while ((r = vmrpc_client_lookup(partition, module, &info)) >= 0 && !info.registered && !expired_tsc(end))
        tsc_wait_until(rdtsc() + tsc_ticks_ms(LIST_POLL_MS));
    if (r < 0)
        say("rpc: %s/%s not in this partition's rpc_bind list: %s (%d)", partition, module, rpc_errname(r), r);
    else if (!info.registered)
        say("rpc: %s/%s not registered after %u ms", partition, module, REGISTER_WAIT_MS);
    else
        say("rpc: %s registered: version %u.%u, %u procedures, mode %s", info.name, info.version >> 16,
            info.version & 0xFFFF, info.proc_count, info.mode == VMRPC_RECV_WAIT ? "wait" : info.mode == VMRPC_RECV_POLL ? "poll" : "doorbell");
    return r;
}

int32_t rpc_wait_and_bind(const char *partition, const char *module, uint32_t version)
{
    wait_registered(partition, module); /* binding says the rest if it failed */
    int32_t d = vmrpc_client_bind(partition, module, version);
    if (d < 0)
        say("rpc: bind %s/%s -> %s (%d)", partition, module, rpc_errname(d), d);
    return d;
}

int rpc_wait_irq(uint32_t since, uint64_t ticks)
{
    uint64_t end = rdtsc() + ticks;
    irq_enable();
    while (irq_rpc_count() == since && !expired_tsc(end))
        cpu_relax();
    return irq_rpc_count() != since;
}
