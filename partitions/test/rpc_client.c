/* rpc_call=PARTITION: the client test sequence against PARTITION's
 * sysinfo and echo (README.md lists every line). Each check prints one
 * line; a result other than the one expected adds to the failure count
 * of the last line, `rpc: client done, F failures`. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/hv.h"
#include "partitions/common/lib.h"
#include "partitions/gp-os/vmrpc_lib.h"
#include "partitions/test/irq.h"
#include "partitions/test/rpc.h"
#include "partitions/test/tsc.h"

#define BIG 8192 /* more than the test kernel's echo slot holds */
#define ASYNC_LEN 256
#define ASYNC_WAIT_MS 2000
#define UNUSED_DESC (VMRPC_MAX_DESCS - 1)

static uint8_t req[VMRPC_MAX_MSG + 64] __attribute__((aligned(64)));
static uint8_t resp[BIG] __attribute__((aligned(64)));
static struct vmrpc_async async_call ABI_ALIGNED;

static const struct rpc_env *env;
static const char *peer;
static uint32_t failures;
static int32_t d_sysinfo = -1, d_echo = -1;
static int echo_gone; /* the server unregistered echo: its calls fail with EPIPE */

static void fill(uint8_t *p, uint32_t n, uint32_t seed)
{
    for (uint32_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 7 + seed);
}

/* Call results on echo: EPIPE means the server went away (rpc_unregister_after),
 * which is a result the tests look for, not a failure of ours. */
static int echo_pipe(int32_t r)
{
    if (r != HV_EPIPE)
        return 0;
    if (!echo_gone)
        say("rpc: echo call -> EPIPE");
    echo_gone = 1;
    return 1;
}

static void bind_both(void)
{
    d_sysinfo = rpc_wait_and_bind(peer, VMRPC_SYSINFO, VMRPC_SYSINFO_VERSION);
    d_echo = rpc_wait_and_bind(peer, VMRPC_ECHO, VMRPC_ECHO_VERSION);
    failures += (d_sysinfo < 0) + (d_echo < 0);
    if (d_sysinfo >= 0 && d_echo >= 0)
        say("rpc: bound %s/sysinfo as descriptor %d, %s/echo as descriptor %d", peer, d_sysinfo, peer, d_echo);
}

static void call_sysinfo(void)
{
    static struct vmrpc_sysinfo si ABI_ALIGNED;
    int32_t r = vmrpc_client_call((uint32_t)d_sysinfo, VMRPC_SYSINFO_GET, 0, 0, &si, sizeof si);
    if (r != (int32_t)sizeof si) {
        say("rpc: %s sysinfo call -> %s (%d), expected %u bytes", peer, rpc_errname(r), r, (uint32_t)sizeof si);
        failures++;
        return;
    }
    si.os_name[sizeof si.os_name - 1] = 0;
    say_begin();
    say_more("rpc: %s sysinfo: os '%s', uptime %llu us, mem used %llu KiB free %llu KiB, load %u permille, tasks %u",
             peer, si.os_name, si.uptime_us, si.mem_used_bytes >> 10, si.mem_free_bytes >> 10, si.cpu_load_permille,
             si.task_count);
    if (si.has_latency)
        say_more(", latency min %llu avg %llu max %llu ticks (%u samples), deadline misses %llu", si.latency_min_ticks,
                 si.latency_avg_ticks, si.latency_max_ticks, si.latency_samples, si.deadline_misses);
    say_end();
}

static void echo_sized(uint32_t n)
{
    fill(req, n, n);
    memset(resp, 0xAA, n);
    int32_t r = vmrpc_client_call((uint32_t)d_echo, VMRPC_ECHO_ECHO, req, n, resp, n);
    if (echo_pipe(r))
        return;
    if (r == (int32_t)n && !memcmp(req, resp, n)) {
        say("rpc: echo %u bytes ok", n);
        return;
    }
    failures++;
    if (r < 0)
        say("rpc: echo %u bytes FAILED: %s (%d)", n, rpc_errname(r), r);
    else
        say("rpc: echo %u bytes FAILED: %d bytes back%s", n, r, r == (int32_t)n ? ", content differs" : "");
}

/* The busy loop is the "something else" the kernel does while the call is
 * out; it ends on the completion interrupt, not on polling done. */
static void echo_async(void)
{
    fill(req, ASYNC_LEN, 0x5A);
    memset(resp, 0, ASYNC_LEN);
    uint32_t irqs = irq_rpc_count();
    int32_t r = vmrpc_client_call_async(&async_call, (uint32_t)d_echo, VMRPC_ECHO_ECHO, req, ASYNC_LEN, resp,
                                        ASYNC_LEN, 0x1234);
    if (r < 0) {
        if (!echo_pipe(r))
            say("rpc: async echo submit -> %s (%d)", rpc_errname(r), r), failures++;
        return;
    }
    uint64_t end = rdtsc() + tsc_ticks_ms(ASYNC_WAIT_MS);
    uint32_t iterations = 0;
    int by_irq = 0;
    irq_enable();
    /* Done is only looked at after an rpc_vector interrupt: one that
     * finds it set is the completion (others: doorbells we serve). */
    while (!by_irq && !expired_tsc(end)) {
        if (irq_rpc_count() != irqs) {
            irqs = irq_rpc_count();
            by_irq = vmrpc_async_done(&async_call);
        }
        iterations++;
    }
    int done = vmrpc_async_done(&async_call);
    int32_t res = vmrpc_async_result(&async_call);
    if (done && echo_pipe(res))
        return;
    if (by_irq && done && res == ASYNC_LEN && !memcmp(req, resp, ASYNC_LEN) && async_call.tag == 0x1234) {
        say("rpc: async echo ok, completed by interrupt, %u busy-loop iterations meanwhile", iterations);
        return;
    }
    failures++;
    say("rpc: async echo FAILED: %s, done %d, result %s (%d)", by_irq ? "interrupt came" : "no interrupt in 2 s", done,
        rpc_errname(res), res);
}

/* One hostile call: prints `rpc: hostile WHAT -> ENAME`; want2 0 = none. */
static void expect(const char *what, int32_t got, int32_t want, int32_t want2)
{
    if (got == want || (want2 && got == want2)) {
        say("rpc: hostile %s -> %s", what, rpc_errname(got));
        return;
    }
    failures++;
    say("rpc: hostile %s -> %s (%d), expected %s%s%s (FAIL)", what, rpc_errname(got), got, rpc_errname(want),
        want2 ? " or " : "", want2 ? rpc_errname(want2) : "");
}

static int32_t echo_call(uint32_t proc, const void *q, uint32_t qlen, void *p, uint32_t pcap)
{
    return vmrpc_client_call((uint32_t)d_echo, proc, q, qlen, p, pcap);
}

static void hostile_calls(void)
{
    uint32_t ram_end = (uint32_t)env->ram_end;
    expect("bad descriptor", vmrpc_client_call(UNUSED_DESC, VMRPC_ECHO_NULL, 0, 0, resp, 0), HV_EBADF, 0);
    expect("procedure out of range", echo_call(3, 0, 0, resp, 0), HV_EINVAL, 0);
    expect("procedure 255", echo_call(255, 0, 0, resp, 0), HV_EINVAL, 0);
    /* Above the ABI's limit; the header allows either answer. */
    expect("request above VMRPC_MAX_MSG", echo_call(VMRPC_ECHO_ECHO, req, VMRPC_MAX_MSG + 1, resp, BIG), HV_EMSGSIZE,
           HV_EINVAL);
    /* Within the limit but beyond the server's slot (4096 bytes in the test
     * kernel): the other side's buffer is too small. */
    expect("request larger than the server's slot", echo_call(VMRPC_ECHO_ECHO, req, BIG, resp, BIG), HV_EMSGSIZE, 0);
    expect("response buffer too small", echo_call(VMRPC_ECHO_ECHO, req, 100, resp, 10), HV_EMSGSIZE, 0);
    expect("request address outside its RAM", echo_call(VMRPC_ECHO_ECHO, (void *)(ram_end + 0x1000), 16, resp, 16),
           HV_EFAULT, 0);
    expect("request straddling its RAM end", echo_call(VMRPC_ECHO_ECHO, (void *)(ram_end - 8), 16, resp, 16),
           HV_EFAULT, 0);
    expect("response address beyond its RAM end", echo_call(VMRPC_ECHO_ECHO, req, 16, (void *)(ram_end - 8), 64),
           HV_EFAULT, 0);
    expect("async call struct size 8", hc(HC_RPC_CALL_ASYNC, (uint32_t)&async_call, 8, 0, 0), HV_EINVAL, 0);
    expect("async call struct outside its RAM",
           hc(HC_RPC_CALL_ASYNC, ram_end + 0x1000, sizeof(struct vmrpc_async), 0, 0), HV_EFAULT, 0);
}

static void hostile_binds(void)
{
    char name[VMRPC_BIND_NAME_MAX];
    vmrpc_bind_name(name, peer, "nope");
    expect("bind not in rpc_bind", vmrpc_bind(name, VMRPC_VERSION(1, 0)), HV_EPERM, HV_ENOENT);
    expect("bind wrong major version", vmrpc_client_bind(peer, VMRPC_ECHO, VMRPC_VERSION(2, 0)), HV_EPROTO, 0);
    expect("bind newer minor version", vmrpc_client_bind(peer, VMRPC_ECHO, VMRPC_VERSION(1, 99)), HV_EPROTO, 0);
    expect("bind name outside its RAM", vmrpc_bind((const char *)((uint32_t)env->ram_end + 0x1000), 0x10000),
           HV_EFAULT, 0);
    int32_t d = vmrpc_client_bind(peer, VMRPC_ECHO, VMRPC_ECHO_VERSION);
    if (d < 0) {
        say("rpc: bind for the unbind test -> %s (%d)", rpc_errname(d), d);
        failures++;
        return;
    }
    int32_t first = vmrpc_unbind((uint32_t)d);
    if (first < 0)
        say("rpc: unbind -> %s (%d), expected success", rpc_errname(first), first), failures++;
    expect("unbind twice", vmrpc_unbind((uint32_t)d), HV_EBADF, 0);
}

static void still_served(void)
{
    fill(req, 64, 3);
    int32_t r = echo_call(VMRPC_ECHO_ECHO, req, 64, resp, 64);
    if (echo_pipe(r))
        return;
    if (r == 64 && !memcmp(req, resp, 64))
        say("rpc: still served after hostile calls");
    else
        say("rpc: echo after hostile calls -> %s (%d) (FAIL)", rpc_errname(r), r), failures++;
}

/* The queue the server may have made on echo (rpc_evq): fill it past its
 * capacity; every refused put must say EBUSY. */
static void evq_client(void)
{
    static struct vmrpc_evq_info info ABI_ALIGNED;
    static struct vmrpc_event ev ABI_ALIGNED;
    int32_t r = vmrpc_evq_info((uint32_t)d_echo, 0, &info);
    if (r < 0) {
        say("rpc: evq: no queue 0 on %s/echo (%s), skipped", peer, rpc_errname(r));
        return;
    }
    uint32_t n = info.capacity + 3, accepted = 0, refused = 0;
    for (uint32_t k = 1; k <= n; k++) {
        ev = (struct vmrpc_event){.data = {k, 0xC0FFEE}, .code = 100 + k};
        r = vmrpc_evq_put((uint32_t)d_echo, 0, &ev);
        if (r == 0) {
            accepted++;
        } else if (r == HV_EBUSY) {
            refused++;
            say("rpc: evq put %u -> EBUSY", k);
        } else {
            say("rpc: evq put %u -> %s (%d) (FAIL)", k, rpc_errname(r), r);
            failures++;
        }
    }
    say("rpc: evq put %u events: %u accepted, %u refused", n, accepted, refused);
    r = vmrpc_evq_info((uint32_t)d_echo, 0, &info);
    if (r == 0)
        say("rpc: evq info: capacity %u count %u puts %u gets %u overflows %u", info.capacity, info.count, info.puts,
            info.gets, info.overflows);
}

static void unbind_all(void)
{
    int32_t a = d_sysinfo >= 0 ? vmrpc_unbind((uint32_t)d_sysinfo) : 0;
    int32_t b = d_echo >= 0 ? vmrpc_unbind((uint32_t)d_echo) : 0;
    if (a < 0 || b < 0)
        say("rpc: unbind sysinfo -> %s, echo -> %s", rpc_errname(a), rpc_errname(b)), failures++;
}

static void echo_tests(void)
{
    static const uint32_t sizes[] = {1, 100, 4096};
    for (uint32_t i = 0; i < 3 && !echo_gone; i++)
        echo_sized(sizes[i]);
    if (!echo_gone)
        echo_async();
    if (!echo_gone) {
        hostile_calls();
        hostile_binds();
        still_served();
    }
    if (echo_gone) { /* later calls too: the module stays gone */
        int32_t r = echo_call(VMRPC_ECHO_NULL, 0, 0, resp, 0);
        say("rpc: echo after unregister -> %s%s", rpc_errname(r), r == HV_EPIPE ? "" : " (FAIL)");
        failures += r != HV_EPIPE;
    } else {
        evq_client();
    }
}

void rpc_client_run(const struct rpc_env *e)
{
    env = e;
    peer = e->opt->rpc_call;
    say("rpc: client tests against '%s'", peer);
    bind_both();
    if (d_sysinfo >= 0)
        call_sysinfo();
    if (d_echo >= 0)
        echo_tests();
    unbind_all();
    say("rpc: client done, %u failures", failures);
}
