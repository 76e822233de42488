/* Socket outsourcing: the "net" VMRPC module's client (include/rtos_net.h,
 * include/vmrpc_net.h). The message building and response checks are
 * pure (host unit-tested); each socket call is one rtos_rpc_call with a
 * finite deadline. */
#include "partitions/rtos/include/rtos_net.h"
#include "partitions/rtos/kernel/kernel.h"

#define PEER_MAX 24
/* A procedure no server has: HV_EINVAL while the module is registered,
 * HV_EPIPE once it is gone (the hypervisor checks the module first). */
#define PROBE_PROC 0xFFFFu

static char bind_name[PEER_MAX + sizeof "/" VMRPC_NET] = RTOS_NET_PEER_DEFAULT "/" VMRPC_NET;
static int32_t net_desc = HV_EBADF; /* < 0: not bound */
static uint32_t call_ms = RTOS_NET_CALL_MS;

/* An 8-byte aligned message buffer on the caller's stack. */
union net_msg {
    uint64_t align;
    struct vmrpc_net_send_req send;
    struct vmrpc_net_recv_resp recv;
    uint8_t bytes[RTOS_NET_MSG_MAX];
};

void rtos_net_init(const char *peer)
{
    uint32_t n = 0;
    if (!peer)
        peer = RTOS_NET_PEER_DEFAULT;
    for (; peer[n] && n < PEER_MAX - 1; n++)
        bind_name[n] = peer[n];
    bind_name[n++] = '/';
    rtos_memcpy(bind_name + n, VMRPC_NET, sizeof VMRPC_NET);
    __atomic_store_n(&net_desc, HV_EBADF, __ATOMIC_RELAXED);
    call_ms = RTOS_NET_CALL_MS;
}

void rtos_net_set_call_ms(uint32_t ms) { call_ms = ms ? ms : 1; }
uint32_t rtos_net_call_ms(void) { return call_ms; }

/* ----------------------------------------------------------- pure part */

int32_t rtos_net_build_send(void *msg, uint32_t cap, int32_t s, const void *data, uint32_t len,
                            const struct vmrpc_net_addr *to)
{
    struct vmrpc_net_send_req h = {.handle = s};
    if (s < 0 || (len && !data) || !msg)
        return HV_EINVAL;
    if (len > VMRPC_NET_MAX_DATA || sizeof h + len > cap)
        return HV_EMSGSIZE;
    if (to)
        h.to = (struct vmrpc_net_addr){to->ipv4, to->port, 0};
    rtos_memcpy(msg, &h, sizeof h);
    if (len)
        rtos_memcpy((uint8_t *)msg + sizeof h, data, len);
    return (int32_t)(sizeof h + len);
}

int32_t rtos_net_parse_none(int32_t resp_len)
{
    return resp_len < 0 ? resp_len : 0; /* a server that answers more: ignored */
}

int32_t rtos_net_parse_socket(const void *resp, int32_t resp_len)
{
    struct vmrpc_net_socket_resp r;
    if (resp_len < 0)
        return resp_len;
    if ((uint32_t)resp_len < sizeof r)
        return HV_EPROTO;
    rtos_memcpy(&r, resp, sizeof r);
    return r.handle < 0 ? HV_EPROTO : r.handle;
}

int32_t rtos_net_parse_sent(const void *resp, int32_t resp_len, uint32_t asked)
{
    struct vmrpc_net_send_resp r;
    if (resp_len < 0)
        return resp_len;
    if ((uint32_t)resp_len < sizeof r)
        return HV_EPROTO;
    rtos_memcpy(&r, resp, sizeof r);
    return r.sent > asked ? HV_EPROTO : (int32_t)r.sent;
}

int32_t rtos_net_parse_recv(const void *resp, int32_t resp_len, uint32_t max_len, void *buf, uint32_t cap,
                            struct vmrpc_net_addr *from)
{
    struct vmrpc_net_recv_resp h;
    if (resp_len < 0)
        return resp_len;
    if ((uint32_t)resp_len < sizeof h)
        return HV_EPROTO;
    rtos_memcpy(&h, resp, sizeof h);
    /* More than asked for, or than the response holds: not the ABI. */
    if (h.len > max_len || h.len > (uint32_t)resp_len - sizeof h)
        return HV_EPROTO;
    uint32_t n = h.len < cap ? h.len : cap;
    if (n)
        rtos_memcpy(buf, (const uint8_t *)resp + sizeof h, n);
    if (from)
        *from = h.from;
    return (int32_t)n;
}

/* Decimal and text appenders for the report line: never past cap - 1. */
static void put_str(char *buf, uint32_t cap, uint32_t *at, const char *s)
{
    while (*s && *at + 1 < cap)
        buf[(*at)++] = *s++;
}

static void put_u64(char *buf, uint32_t cap, uint32_t *at, uint64_t v)
{
    char d[21];
    int n = 0;
    do {
        uint64_t rem;
        v = rtos_udiv64(v, 10, &rem);
        d[n++] = (char)('0' + rem);
    } while (v);
    while (n && *at + 1 < cap)
        buf[(*at)++] = d[--n];
}

uint32_t rtos_net_latency_line(char *buf, uint32_t cap, const struct rtos_rpc_latency *lat, uint64_t tsc_hz,
                               uint64_t deadline_misses, uint32_t report)
{
    uint32_t at = 0;
    if (!cap)
        return 0;
    put_str(buf, cap, &at, "rtos latency: ");
    put_u64(buf, cap, &at, lat->samples);
    put_str(buf, cap, &at, " samples");
    if (lat->samples) {
        put_str(buf, cap, &at, " min ");
        put_u64(buf, cap, &at, lat->min_ticks);
        put_str(buf, cap, &at, " avg ");
        put_u64(buf, cap, &at, lat->avg_ticks);
        put_str(buf, cap, &at, " max ");
        put_u64(buf, cap, &at, lat->max_ticks);
        put_str(buf, cap, &at, " ticks (TSC ");
        put_u64(buf, cap, &at, tsc_hz);
        put_str(buf, cap, &at, " Hz)");
    }
    put_str(buf, cap, &at, ", deadline misses ");
    put_u64(buf, cap, &at, deadline_misses);
    put_str(buf, cap, &at, ", report ");
    put_u64(buf, cap, &at, report);
    buf[at] = 0;
    return at;
}

/* ------------------------------------------------------------- binding */

int32_t rtos_net_bound(void)
{
    int32_t d = __atomic_load_n(&net_desc, __ATOMIC_ACQUIRE);
    if (d >= 0)
        return d;
    int32_t b = rtos_rpc_bind(bind_name, VMRPC_NET_VERSION);
    if (b < 0)
        return b;
    /* Another task may have bound meanwhile: keep one binding. */
    if (!__atomic_compare_exchange_n(&net_desc, &d, b, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        rtos_rpc_unbind(b);
        return d;
    }
    return b;
}

static rtos_tick_t deadline_in(uint32_t ms) { return rtos_now() + rtos_us_to_ticks((uint64_t)ms * 1000); }

/* After HV_EPIPE or HV_EBADF: if the module is gone or the descriptor
 * closed (not just a socket's EPIPE or EBADF), drop the binding so that
 * the next call binds again. */
static void check_gone(int32_t d)
{
    int32_t r = rtos_rpc_call(d, PROBE_PROC, NULL, 0, NULL, 0, deadline_in(call_ms));
    if (r != HV_EPIPE && r != HV_EBADF)
        return;
    int32_t expect = d;
    if (__atomic_compare_exchange_n(&net_desc, &expect, HV_EBADF, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        rtos_rpc_unbind(d);
}

/* One call of procedure proc, bounded by call_ms + extra_ms. */
static int32_t net_call(uint32_t proc, const void *req, uint32_t req_len, void *resp, uint32_t resp_cap,
                        uint32_t extra_ms)
{
    int32_t d = rtos_net_bound();
    if (d < 0)
        return d;
    int32_t r = rtos_rpc_call(d, proc, req, req_len, resp, resp_cap, deadline_in(call_ms + extra_ms));
    if (r == HV_EPIPE || r == HV_EBADF) /* the module's, or a socket's (Linux numbering) */
        check_gone(d);
    return r;
}

/* ------------------------------------------------------------- sockets */

int32_t rtos_net_socket(uint32_t type)
{
    struct vmrpc_net_socket_req rq = {.type = type};
    struct vmrpc_net_socket_resp rs;
    if (type != VMRPC_NET_UDP && type != VMRPC_NET_TCP)
        return HV_EINVAL;
    return rtos_net_parse_socket(&rs, net_call(VMRPC_NET_SOCKET, &rq, sizeof rq, &rs, sizeof rs, 0));
}

static int32_t addr_call(uint32_t proc, int32_t s, uint32_t ipv4, uint16_t port)
{
    struct vmrpc_net_addr_req rq = {.handle = s, .addr = {ipv4, port, 0}};
    if (s < 0)
        return HV_EINVAL;
    return rtos_net_parse_none(net_call(proc, &rq, sizeof rq, NULL, 0, 0));
}

int32_t rtos_net_bind(int32_t s, uint32_t ipv4, uint16_t port) { return addr_call(VMRPC_NET_BIND, s, ipv4, port); }

int32_t rtos_net_connect(int32_t s, uint32_t ipv4, uint16_t port)
{
    return addr_call(VMRPC_NET_CONNECT, s, ipv4, port);
}

static int32_t send_call(uint32_t proc, int32_t s, const void *data, uint32_t len, const struct vmrpc_net_addr *to)
{
    union net_msg m;
    struct vmrpc_net_send_resp rs;
    int32_t n = rtos_net_build_send(&m, sizeof m, s, data, len, to);
    if (n < 0)
        return n;
    return rtos_net_parse_sent(&rs, net_call(proc, &m, (uint32_t)n, &rs, sizeof rs, 0), len);
}

int32_t rtos_net_send(int32_t s, const void *data, uint32_t len) { return send_call(VMRPC_NET_SEND, s, data, len, NULL); }

int32_t rtos_net_sendto(int32_t s, const void *data, uint32_t len, uint32_t ipv4, uint16_t port)
{
    struct vmrpc_net_addr to = {ipv4, port, 0};
    return send_call(VMRPC_NET_SENDTO, s, data, len, &to);
}

int32_t rtos_net_recv(int32_t s, void *buf, uint32_t cap, uint32_t timeout_ms, struct vmrpc_net_addr *from)
{
    union net_msg m;
    uint32_t max = cap < VMRPC_NET_MAX_DATA ? cap : VMRPC_NET_MAX_DATA;
    struct vmrpc_net_recv_req rq = {.handle = s, .max_len = max, .timeout_ms = timeout_ms};
    if (s < 0 || (cap && !buf) || timeout_ms > VMRPC_NET_MAX_TIMEOUT_MS)
        return HV_EINVAL;
    int32_t r = net_call(VMRPC_NET_RECV, &rq, sizeof rq, &m, (uint32_t)(sizeof m.recv + max), timeout_ms);
    return rtos_net_parse_recv(&m, r, max, buf, cap, from);
}

int32_t rtos_net_close(int32_t s)
{
    struct vmrpc_net_handle_req rq = {.handle = s};
    if (s < 0)
        return HV_EINVAL;
    return rtos_net_parse_none(net_call(VMRPC_NET_CLOSE, &rq, sizeof rq, NULL, 0, 0));
}
