/* app=rpctest: VMRPC client checks against rpc_peer's sysinfo and echo,
 * as a partition. Prints "rpc: ..." lines (partitions/rtos/README.md),
 * ends with "rpc: client done, F failures" and powers off with 0 if F is
 * 0, else 1. */
#include "partitions/common/console.h"
#include "partitions/common/lib.h"
#include "partitions/common/vmrpc_hc.h"
#include "partitions/rtos/app/app.h"
#include "partitions/rtos/arch/x86/hv.h"
#include "partitions/rtos/arch/x86/power.h"
#include "partitions/rtos/include/rtos_rpc.h"

#define MAIN_PRIO 5
#define CLIENT_PRIO 6
#define BIND_WAIT_MS 10000 /* the peer boots beside us */
#define CALL_MS 2000       /* deadline of a checked call */
#define OUTSIDE_RAM 0x8000000u /* 128 MiB: past our 32 MiB, the other partition's host RAM */
#define INSIDE_RAM 0x400000u   /* 4 MiB: our RAM, unused */
#define BAD_DESC (VMRPC_MAX_DESCS - 1)

static const struct options *opt;
static uint32_t failures;
static int32_t d_sysinfo = HV_EBADF, d_echo = HV_EBADF;
static uint8_t req[RTOS_RPC_BOUNCE], resp[RTOS_RPC_BOUNCE];
static rtos_sem_t clients_done;
static volatile uint32_t in_flight, max_in_flight;

static rtos_tick_t in_ms(uint32_t ms) { return rtos_now() + rtos_us_to_ticks(ms * 1000ull); }

static void failed(void) { failures++; }

static void note_epipe(int32_t r)
{
    if (r == HV_EPIPE)
        say("rpc: echo call -> EPIPE");
}

static int32_t bind_one(const char *module, uint32_t version)
{
    int32_t d = rpc_bind_peer(opt->rpc_peer, module, version, BIND_WAIT_MS);
    if (d < 0) {
        say("rpc: bind %s/%s -> %s", opt->rpc_peer, module, vmrpc_strerror(d));
        failed();
    } else {
        say("rpc: bound %s/%s (descriptor %d)", opt->rpc_peer, module, d);
    }
    return d;
}

static void check_sysinfo(void)
{
    static struct vmrpc_sysinfo si;
    char prefix[OPT_PEER_MAX + 24];
    int32_t r = rtos_rpc_call(d_sysinfo, VMRPC_SYSINFO_GET, NULL, 0, &si, sizeof si, in_ms(CALL_MS));
    size_t n = kstrlen(opt->rpc_peer);
    memcpy(prefix, "rpc: ", 5);
    memcpy(prefix + 5, opt->rpc_peer, n);
    memcpy(prefix + 5 + n, " sysinfo: ", 11);
    if (r == (int32_t)sizeof si) {
        rpc_say_sysinfo(prefix, &si);
        return;
    }
    say("%s%s", prefix, r < 0 ? vmrpc_strerror(r) : "short answer");
    failed();
}

/* n bytes of a pattern out and back; `sync` through HC_RPC_CALL. */
static int echo_ok(uint32_t n, uint8_t seed, int sync)
{
    for (uint32_t i = 0; i < n; i++)
        req[i] = (uint8_t)(seed + i * 7);
    memset(resp, 0, sizeof resp);
    int32_t r = sync ? rtos_rpc_call_sync(d_echo, VMRPC_ECHO_ECHO, req, n, resp, sizeof resp)
                     : rtos_rpc_call(d_echo, VMRPC_ECHO_ECHO, req, n, resp, sizeof resp, in_ms(CALL_MS));
    note_epipe(r);
    if (r != (int32_t)n || memcmp(req, resp, n)) {
        say("rpc: echo %u bytes FAILED (%s%d)", n, r < 0 ? vmrpc_strerror(r) : "length ", r);
        failed();
        return 0;
    }
    return 1;
}

struct client {
    uint32_t id, ok, busy;
};

/* Each call carries (client, index) and a pattern; the answer must be
 * exactly it. Response straight into the caller's buffer (no deadline). */
static void client_task(void *arg)
{
    struct client *c = arg;
    uint32_t out[16], back[16];
    for (uint32_t i = 0; i < opt->rpc_calls;) {
        for (uint32_t k = 0; k < 16; k++)
            out[k] = c->id << 24 | i << 4 | k;
        memset(back, 0, sizeof back);
        uint32_t now_in = ++in_flight;
        if (now_in > max_in_flight)
            max_in_flight = now_in;
        int32_t r = rtos_rpc_call(d_echo, VMRPC_ECHO_ECHO, out, sizeof out, back, sizeof back, RTOS_FOREVER);
        in_flight--;
        if (r == HV_EBUSY) { /* the server's ring is full: its queue bound, not an error */
            c->busy++;
            rtos_sleep_us(1000);
            continue;
        }
        note_epipe(r);
        if (r != (int32_t)sizeof out || memcmp(out, back, sizeof out))
            break;
        c->ok++;
        i++;
    }
    rtos_sem_give(&clients_done);
}

static void two_clients(void)
{
    static struct client c[2] = {{.id = 1}, {.id = 2}};
    rtos_sem_init(&clients_done, 0);
    app_spawn("client-1", client_task, &c[0], CLIENT_PRIO);
    app_spawn("client-2", client_task, &c[1], CLIENT_PRIO);
    uint32_t finished = 0;
    while (finished < 2 && rtos_sem_take(&clients_done, in_ms(60000)) == RTOS_OK)
        finished++;
    uint32_t n = opt->rpc_calls;
    if (finished == 2 && c[0].ok == n && c[1].ok == n) {
        say("rpc: two clients: %u+%u calls ok", n, n);
    } else {
        say("rpc: two clients: %u+%u of %u+%u calls ok%s", c[0].ok, c[1].ok, n, n, finished < 2 ? " (hung)" : "");
        failed();
    }
    say("rpc: two clients: at most %u calls in flight at once, %u busy retries", max_in_flight, c[0].busy + c[1].busy);
}

static void hostile(const char *what, int32_t r, int32_t want, int32_t also)
{
    if (r == want || r == also) {
        say("rpc: hostile %s -> %s", what, vmrpc_strerror(r));
        return;
    }
    say("rpc: hostile %s -> %s (%d; expected %s)", what, r < 0 ? vmrpc_strerror(r) : "success", r,
        vmrpc_strerror(want));
    failed();
}

static int32_t async_outside(void)
{
    uint32_t s = rtos_rpc_hv_enter();
    int32_t r = vmrpc_call_async((struct vmrpc_async *)OUTSIDE_RAM);
    rtos_rpc_hv_exit(s);
    return r;
}

static void hostile_calls(void)
{
    void *outside = (void *)OUTSIDE_RAM, *inside = (void *)INSIDE_RAM;
    hostile("bad descriptor", rtos_rpc_call_sync(BAD_DESC, 0, req, 8, resp, 8), HV_EBADF, HV_EBADF);
    hostile("descriptor out of range", rtos_rpc_call_sync(1000, 0, req, 8, resp, 8), HV_EBADF, HV_EBADF);
    hostile("proc out of range", rtos_rpc_call_sync(d_echo, 200, req, 8, resp, 8), HV_EINVAL, HV_EINVAL);
    hostile("request outside RAM", rtos_rpc_call_sync(d_echo, VMRPC_ECHO_ECHO, outside, 64, resp, 64), HV_EFAULT,
            HV_EFAULT);
    hostile("response outside RAM", rtos_rpc_call_sync(d_echo, VMRPC_ECHO_ECHO, req, 64, outside, 64), HV_EFAULT,
            HV_EFAULT);
    hostile("request over VMRPC_MAX_MSG",
            rtos_rpc_call_sync(d_echo, VMRPC_ECHO_ECHO, inside, VMRPC_MAX_MSG + 1, resp, 64), HV_EMSGSIZE, HV_EINVAL);
    hostile("async descriptor outside RAM", async_outside(), HV_EFAULT, HV_EFAULT);
    hostile("async request outside RAM",
            rtos_rpc_call(d_echo, VMRPC_ECHO_ECHO, outside, 64, resp, 64, in_ms(CALL_MS)), HV_EFAULT, HV_EFAULT);
    hostile("bind outside rpc_bind", rtos_rpc_bind("gpos/secret", VMRPC_VERSION(1, 0)), HV_EPERM, HV_ENOENT);
    hostile("bind newer major version", rpc_bind_peer(opt->rpc_peer, VMRPC_ECHO, VMRPC_VERSION(2, 0), 0), HV_EPROTO,
            HV_EPROTO);
    if (echo_ok(16, 0x5A, 0))
        say("rpc: still served after hostile calls");
}

/* A queue on our own echo module: bounded, overflow counted and reported
 * at the next get, never lost silently. */
static void event_queue(void)
{
    int32_t d = rtos_rpc_served_desc(VMRPC_ECHO);
    int32_t q = d < 0 ? d : rtos_rpc_evq_create(d, 8);
    if (q < 0) {
        say("rpc: event queue: create -> %s", vmrpc_strerror(q));
        failed();
        return;
    }
    uint32_t put = 0, refused = 0, got = 0, lost = 0, in_order = 1;
    struct vmrpc_event ev;
    struct vmrpc_evq_info info = {0};
    for (uint32_t i = 0; i < 10; i++) {
        ev = (struct vmrpc_event){.data = {i, ~(uint64_t)i}, .code = 100 + i};
        int32_t r = rtos_rpc_evq_put(d, (uint32_t)q, &ev);
        if (r == 0)
            put++;
        else if (r == HV_EBUSY)
            refused++;
        else
            failed();
    }
    rtos_rpc_evq_info(d, (uint32_t)q, &info);
    while (rtos_rpc_evq_get(d, (uint32_t)q, &ev, RTOS_NO_WAIT) == 0) {
        in_order &= ev.code == 100 + got && ev.data[0] == got;
        lost += ev.lost;
        got++;
    }
    rtos_rpc_evq_delete(d, (uint32_t)q);
    int ok = put == 8 && refused == 2 && got == 8 && lost == 2 && in_order && info.overflows == 2;
    say("rpc: event queue: %u put, %u refused, %u got%s, lost %u reported, overflows %u%s", put, refused, got,
        in_order ? " in order" : " OUT OF ORDER", lost, info.overflows, ok ? "" : " FAILED");
    if (!ok)
        failed();
}

/* Until the peer unregisters echo: calls then fail with HV_EPIPE. */
static void wait_epipe(void)
{
    rtos_tick_t until = in_ms(opt->rpc_epipe_ms);
    int32_t r = 0;
    while (rtos_now() < until) {
        r = rtos_rpc_call(d_echo, VMRPC_ECHO_NULL, NULL, 0, resp, 0, in_ms(CALL_MS));
        if (r == HV_EPIPE) {
            note_epipe(r);
            return;
        }
        rtos_sleep_us(20000);
    }
    say("rpc: no EPIPE within %u ms (last call: %s)", opt->rpc_epipe_ms, r < 0 ? vmrpc_strerror(r) : "ok");
    failed();
}

static void rpctest_task(void *arg)
{
    (void)arg;
    say("rpc: client test against '%s', %u calls per client", opt->rpc_peer, opt->rpc_calls);
    d_sysinfo = bind_one(VMRPC_SYSINFO, VMRPC_SYSINFO_VERSION);
    d_echo = bind_one(VMRPC_ECHO, VMRPC_ECHO_VERSION);
    if (d_sysinfo >= 0)
        check_sysinfo();
    if (d_echo >= 0) {
        static const uint32_t sizes[] = {1, 100, 4096};
        for (unsigned i = 0; i < 3; i++)
            if (echo_ok(sizes[i], (uint8_t)i, i == 2) && echo_ok(sizes[i], (uint8_t)(i + 9), 0))
                say("rpc: echo %u bytes ok", sizes[i]);
        two_clients();
        hostile_calls();
    }
    if (rpc_serving())
        event_queue();
    if (d_echo >= 0 && opt->rpc_epipe_ms)
        wait_epipe();
    say("rpc: client done, %u failures", failures);
    power_off(failures ? POWER_EXIT_FAIL : POWER_EXIT_PASS);
}

void rpctest_start(const struct options *o)
{
    opt = o;
    if (!hv_present()) {
        say("rpc: client done, 1 failures (no hypervisor)");
        power_off(POWER_EXIT_FAIL);
    }
    app_spawn("rpctest", rpctest_task, NULL, MAIN_PRIO);
}
