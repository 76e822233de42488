/* Option net_udp=PORT (default VMRPC_NET_DEMO_PORT with app=demo): every
 * heartbeat period, the RTOS's latency figures as one text line in a UDP
 * datagram to 127.0.0.1:PORT inside the peer (Linux), through the peer's
 * "net" module (socket outsourcing, include/rtos_net.h).
 *
 * Background work only: a task at NET_PRIO (below every task of the demo
 * and the servers), each call bounded (rtos_net_call_ms), periods kept
 * with rtos_sleep_until so that a late report never counts as a deadline
 * miss of the RTOS. While the peer has not registered "net" (Linux still
 * booting, or a test kernel that never does) it tries to bind again each
 * period without a word. It says one line when the socket is up and one
 * when sending fails (then backs off, doubling up to NET_BACKOFF_MAX
 * periods), not one per period. */
#include "partitions/common/console.h"
#include "partitions/common/lib.h"
#include "partitions/common/vmrpc_hc.h"
#include "partitions/rtos/app/app.h"
#include "partitions/rtos/arch/x86/hv.h"
#include "partitions/rtos/include/rtos_net.h"

#define NET_PRIO 29         /* background, like the event-queue drain; health (30) stays below */
#define NET_BACKOFF_MAX 64  /* periods between tries after failures */
#define NET_LINE_MAX 160

static const char *err_name(int32_t e)
{
    switch (e) {
    case -111: return "ECONNREFUSED";
    case -101: return "ENETUNREACH";
    case -97: return "EAFNOSUPPORT";
    case -24: return "EMFILE";
    default: return vmrpc_strerror(e);
    }
}

struct net_demo {
    const struct options *o;
    int32_t sock;        /* < 0: none */
    uint32_t backoff;    /* periods to wait after the last failure */
    uint32_t skip;       /* periods still to wait */
    uint32_t reports;    /* datagrams sent */
    int failing;         /* a failure was said and nothing worked since */
};

static void failed(struct net_demo *n, const char *what, int32_t e)
{
    if (!n->failing)
        say("net: %s failed: %s (%d), retrying quietly", what, err_name(e), e);
    n->failing = 1;
    n->backoff = n->backoff ? (n->backoff * 2 > NET_BACKOFF_MAX ? NET_BACKOFF_MAX : n->backoff * 2) : 1;
    n->skip = n->backoff;
}

/* The peer's socket handles do not survive its server restarting. */
static void drop_socket(struct net_demo *n)
{
    if (n->sock >= 0)
        rtos_net_close(n->sock);
    n->sock = -1;
}

/* One period: socket (once), then the report. Returns 0 to go on, -1 to
 * stop for good (the configuration forbids the binding). */
static int net_step(struct net_demo *n)
{
    const struct options *o = n->o;
    if (n->sock < 0) {
        int32_t d = rtos_net_bound();
        if (d == HV_ENOENT)
            return 0; /* not registered yet: quietly, next period */
        if (d == HV_EPERM || d == HV_EPROTO) {
            say("net: cannot bind %s/" VMRPC_NET ": %s, no latency reports", o->rpc_peer, err_name(d));
            return -1;
        }
        int32_t s = d < 0 ? d : rtos_net_socket(VMRPC_NET_UDP);
        if (s < 0) {
            failed(n, d < 0 ? "bind" : "socket", s);
            return 0;
        }
        n->sock = s;
        say("net: UDP socket to 127.0.0.1:%u through %s/" VMRPC_NET, o->net_udp, o->rpc_peer);
    }
    struct rtos_rpc_latency lat;
    struct rtos_stats st;
    char line[NET_LINE_MAX];
    rtos_rpc_get_latency(&lat);
    rtos_get_stats(&st);
    uint32_t len = rtos_net_latency_line(line, sizeof line - 1, &lat, rtos_tsc_hz(), st.deadline_misses, n->reports + 1);
    line[len++] = '\n';
    int32_t r = rtos_net_sendto(n->sock, line, len, RTOS_NET_LOOPBACK, (uint16_t)o->net_udp);
    if (r >= 0) {
        n->reports++;
        if (n->failing)
            say("net: sending again (report %u)", n->reports);
        n->failing = 0;
        n->backoff = 0;
        return 0;
    }
    failed(n, "sendto", r);
    if (r == HV_EPIPE || r == HV_EBADF)
        drop_socket(n); /* the server went away or restarted: open anew */
    return 0;
}

static void net_demo_task(void *arg)
{
    static struct net_demo n;
    n = (struct net_demo){.o = arg, .sock = -1};
    rtos_tick_t period = rtos_us_to_ticks(n.o->heartbeat_ms * 1000ull), next = rtos_now();
    for (;;) {
        next += period;
        rtos_tick_t now = rtos_now();
        if (next <= now) /* late (a slow call): the next boundary, nothing counted */
            next = now + period;
        rtos_sleep_until(next);
        if (n.skip) {
            n.skip--;
            continue;
        }
        if (net_step(&n) < 0)
            return;
    }
}

void net_demo_start(const struct options *o)
{
    if (!o->net_udp || !hv_present())
        return;
    rtos_net_init(o->rpc_peer);
    app_spawn("net-report", net_demo_task, (void *)o, NET_PRIO);
}
