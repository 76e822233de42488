/* Tests for the RTOS's socket library (partitions/rtos/rpc/net.c,
 * include/rtos_net.h): the pure message building and response checks,
 * the demo's report line, and the calls themselves from RTOS tasks on the
 * host port (rtos_host_port.c), with the hypercalls faked here: this file
 * plays the hypervisor (bind, asynchronous calls and their completion
 * interrupt) and a small "net" server in the peer, in the manner of
 * test_rtos_rpc.c. */
#include <string.h>

#include "partitions/rtos/include/rtos_net.h"
#include "partitions/rtos/rpc/rpc_int.h"
#include "tests/unit/rtos_host_port.h"
#include "unit.h"

#define HZ 1000000 /* 1 tick = 1 us */
#define GUARD 100
#define LIMIT 20000000
#define NET_DESC 5
#define SERVE_EVERY 10 /* ticks between the fake server's looks at its queue */

static uint8_t stack[RTOS_MAX_TASKS][256];

/* ------------------------------------------------- the fake hypervisor */

static int registered;  /* "gpos/net" registered by the peer */
static int gone;        /* ... and unregistered since (calls: HV_EPIPE) */
static int hang;        /* the server takes calls and never answers */
static int binds, unbinds, calls_made;
static char bound_name[64];
static uint32_t bound_version;

static struct vmrpc_async *queue[64];
static int nqueue;

/* The peer's sockets and what its server saw. */
static int sockets[VMRPC_NET_MAX_SOCKETS];
static struct {
    uint32_t proc, req_len;
    uint8_t req[RTOS_NET_MSG_MAX];
} last;
static int32_t next_status; /* non-zero: the next call's answer (an errno) */
static const char *rx_data;
static struct vmrpc_net_addr rx_from;

int32_t vmrpc_register(const struct vmrpc_register *reg) { return (void)reg, HV_ENOSYS; }
int32_t vmrpc_unregister(uint32_t desc) { return (void)desc, HV_EBADF; }

int32_t vmrpc_bind(const char *name, uint32_t version)
{
    binds++;
    snprintf(bound_name, sizeof bound_name, "%s", name);
    bound_version = version;
    if (strcmp(name, "gpos/net") != 0)
        return HV_EPERM;
    if (!registered)
        return HV_ENOENT;
    gone = 0; /* a fresh binding of the module registered again */
    return NET_DESC;
}

int32_t vmrpc_unbind(uint32_t desc)
{
    unbinds++;
    return desc == NET_DESC ? 0 : HV_EBADF;
}

int32_t vmrpc_call(uint32_t desc, uint32_t proc, const void *req, uint32_t req_len, void *resp, uint32_t resp_cap)
{
    (void)desc, (void)proc, (void)req, (void)req_len, (void)resp, (void)resp_cap;
    return HV_ENOSYS;
}

/* What the hypervisor checks at submission: the descriptor, the module,
 * the procedure (in that order). */
int32_t vmrpc_call_async(struct vmrpc_async *a)
{
    calls_made++;
    if (a->desc != NET_DESC)
        return HV_EBADF;
    if (gone)
        return HV_EPIPE;
    if (a->proc >= VMRPC_NET_PROCS)
        return HV_EINVAL;
    if (a->req_len > RTOS_NET_MSG_MAX)
        return HV_EMSGSIZE;
    queue[nqueue++] = a;
    return 0;
}

int32_t vmrpc_reply(uint32_t desc, uint32_t slot, int32_t status, uint32_t len)
{
    return (void)desc, (void)slot, (void)status, (void)len, 0;
}
int32_t vmrpc_wait(uint32_t desc, uint32_t reply_slot, int32_t status, uint32_t resp_len)
{
    return (void)desc, (void)reply_slot, (void)status, (void)resp_len, HV_ENOSYS;
}
int32_t vmrpc_list(uint32_t index, struct vmrpc_module_info *info) { return (void)index, (void)info, HV_ENOENT; }
int32_t vmrpc_evq_create(uint32_t desc, uint32_t capacity) { return (void)desc, (void)capacity, HV_ENOSYS; }
int32_t vmrpc_evq_delete(uint32_t desc, uint32_t queue) { return (void)desc, (void)queue, HV_ENOSYS; }
int32_t vmrpc_evq_put(uint32_t desc, uint32_t queue, const struct vmrpc_event *ev)
{
    return (void)desc, (void)queue, (void)ev, HV_ENOSYS;
}
int32_t vmrpc_evq_get(uint32_t desc, uint32_t queue, struct vmrpc_event *ev, uint32_t timeout_us)
{
    return (void)desc, (void)queue, (void)ev, (void)timeout_us, HV_ENOSYS;
}
int32_t vmrpc_evq_info(uint32_t desc, uint32_t queue, struct vmrpc_evq_info *info)
{
    return (void)desc, (void)queue, (void)info, HV_ENOSYS;
}

/* The peer's server: one request -> result (response written to resp). */
static int32_t serve(uint32_t proc, const uint8_t *req, uint32_t len, uint8_t *resp, uint32_t cap)
{
    int32_t h;
    last.proc = proc;
    last.req_len = len;
    memcpy(last.req, req, len);
    if (next_status) {
        int32_t s = next_status;
        next_status = 0;
        return s;
    }
    memcpy(&h, req, sizeof h);
    if (proc == VMRPC_NET_SOCKET) {
        for (int i = 0; i < VMRPC_NET_MAX_SOCKETS; i++)
            if (!sockets[i]) {
                sockets[i] = 1;
                struct vmrpc_net_socket_resp r = {.handle = i};
                CHECK(cap >= sizeof r);
                memcpy(resp, &r, sizeof r);
                return sizeof r;
            }
        return -24; /* EMFILE */
    }
    if (h < 0 || h >= VMRPC_NET_MAX_SOCKETS || !sockets[h])
        return -9; /* EBADF */
    switch (proc) {
    case VMRPC_NET_CLOSE:
        sockets[h] = 0;
        return 0;
    case VMRPC_NET_BIND:
    case VMRPC_NET_CONNECT:
        return 0;
    case VMRPC_NET_SEND:
    case VMRPC_NET_SENDTO: {
        struct vmrpc_net_send_resp r = {.sent = len - (uint32_t)sizeof(struct vmrpc_net_send_req)};
        memcpy(resp, &r, sizeof r);
        return sizeof r;
    }
    case VMRPC_NET_RECV: {
        struct vmrpc_net_recv_req rq;
        memcpy(&rq, req, sizeof rq);
        if (!rx_data)
            return HV_ETIMEDOUT;
        struct vmrpc_net_recv_resp r = {.from = rx_from, .len = (uint32_t)strlen(rx_data)};
        if (r.len > rq.max_len)
            r.len = rq.max_len;
        CHECK(cap >= sizeof r + r.len);
        memcpy(resp, &r, sizeof r);
        memcpy(resp + sizeof r, rx_data, r.len);
        return (int32_t)(sizeof r + r.len);
    }
    }
    return HV_EINVAL;
}

static void rpc_irq(void *arg)
{
    (void)arg;
    rtos_rpc_isr();
}

/* The peer's server task: answers what was queued, raising the completion
 * interrupt, until `until`. */
static void server_task(void *arg)
{
    rtos_tick_t until = (uintptr_t)arg;
    while (rtos_now() < until) {
        rtos_sleep_until(rtos_now() + SERVE_EVERY);
        if (hang || !nqueue)
            continue;
        for (int i = 0; i < nqueue; i++) {
            struct vmrpc_async *a = queue[i];
            a->result = serve(a->proc, (const uint8_t *)(uintptr_t)a->req_gpa, a->req_len,
                              (uint8_t *)(uintptr_t)a->resp_gpa, a->resp_cap);
            a->done = 1;
        }
        nqueue = 0;
        host_isr(rpc_irq, NULL);
    }
}

static int32_t results[16];

static void setup(void)
{
    host_reset(HZ);
    rtos_rpc_init(GUARD);
    rtos_net_init(NULL);
    registered = 1;
    gone = hang = 0;
    binds = unbinds = calls_made = nqueue = 0;
    next_status = 0;
    rx_data = NULL;
    memset(sockets, 0, sizeof sockets);
    memset(&last, 0, sizeof last);
    bound_name[0] = 0;
    for (unsigned i = 0; i < sizeof results / sizeof results[0]; i++)
        results[i] = 12345;
}

static rtos_task_t *spawn(const char *name, rtos_entry_t fn, void *arg, unsigned prio)
{
    static unsigned next;
    return rtos_task_create(name, fn, arg, prio, stack[next++ % RTOS_MAX_TASKS], sizeof stack[0]);
}

/* Runs body as a task at priority 5 beside the server (priority 25). */
static void run_client(rtos_entry_t body, rtos_tick_t server_until)
{
    spawn("client", body, NULL, 5);
    spawn("server", server_task, (void *)(uintptr_t)server_until, 25);
    host_run(LIMIT);
}

/* ----------------------------------------------------------- pure part */

TEST(build_send_lays_out_header_then_data)
{
    uint8_t msg[RTOS_NET_MSG_MAX];
    struct vmrpc_net_addr to = {RTOS_NET_LOOPBACK, 5005, 0};
    CHECK_EQ(rtos_net_build_send(msg, sizeof msg, 3, "hello", 5, &to), 16 + 5);
    struct vmrpc_net_send_req h;
    memcpy(&h, msg, sizeof h);
    CHECK(h.handle == 3 && h.reserved == 0 && h.to.ipv4 == 0x7F000001 && h.to.port == 5005 && h.to.reserved == 0);
    CHECK(memcmp(msg + 16, "hello", 5) == 0);
    CHECK_EQ(rtos_net_build_send(msg, sizeof msg, 3, "x", 1, NULL), 17); /* SEND: no address */
    memcpy(&h, msg, sizeof h);
    CHECK(h.to.ipv4 == 0 && h.to.port == 0);
    CHECK_EQ(rtos_net_build_send(msg, sizeof msg, 3, NULL, 0, NULL), 16); /* an empty datagram */
}

TEST(build_send_refuses_bad_arguments)
{
    static uint8_t msg[RTOS_NET_MSG_MAX + 64], data[VMRPC_NET_MAX_DATA + 1];
    CHECK_EQ(rtos_net_build_send(msg, sizeof msg, 0, data, VMRPC_NET_MAX_DATA, NULL), 16 + VMRPC_NET_MAX_DATA);
    CHECK_EQ(rtos_net_build_send(msg, sizeof msg, 0, data, VMRPC_NET_MAX_DATA + 1, NULL), HV_EMSGSIZE);
    CHECK_EQ(rtos_net_build_send(msg, 20, 0, data, 5, NULL), HV_EMSGSIZE); /* the buffer */
    CHECK_EQ(rtos_net_build_send(msg, sizeof msg, -1, data, 5, NULL), HV_EINVAL);
    CHECK_EQ(rtos_net_build_send(msg, sizeof msg, 0, NULL, 5, NULL), HV_EINVAL);
}

TEST(parse_responses)
{
    struct vmrpc_net_socket_resp sr = {.handle = 7};
    CHECK_EQ(rtos_net_parse_socket(&sr, sizeof sr), 7);
    CHECK_EQ(rtos_net_parse_socket(&sr, 4), HV_EPROTO);
    CHECK_EQ(rtos_net_parse_socket(&sr, -111), -111);
    sr.handle = -1;
    CHECK_EQ(rtos_net_parse_socket(&sr, sizeof sr), HV_EPROTO);

    struct vmrpc_net_send_resp sd = {.sent = 10};
    CHECK_EQ(rtos_net_parse_sent(&sd, sizeof sd, 10), 10);
    CHECK_EQ(rtos_net_parse_sent(&sd, sizeof sd, 9), HV_EPROTO); /* more than asked */
    CHECK_EQ(rtos_net_parse_sent(&sd, 0, 10), HV_EPROTO);
    CHECK_EQ(rtos_net_parse_sent(&sd, HV_EPIPE, 10), HV_EPIPE);

    CHECK_EQ(rtos_net_parse_none(0), 0);
    CHECK_EQ(rtos_net_parse_none(8), 0);
    CHECK_EQ(rtos_net_parse_none(-9), -9);
}

TEST(parse_recv_checks_lengths_and_truncates)
{
    uint8_t resp[64];
    struct vmrpc_net_recv_resp h = {.from = {RTOS_NET_IPV4(10, 0, 0, 2), 999, 0}, .len = 6};
    memcpy(resp, &h, sizeof h);
    memcpy(resp + sizeof h, "abcdef", 6);
    char buf[8] = {0};
    struct vmrpc_net_addr from = {0};
    CHECK_EQ(rtos_net_parse_recv(resp, 16 + 6, 8, buf, sizeof buf, &from), 6);
    CHECK(memcmp(buf, "abcdef", 6) == 0 && from.ipv4 == 0x0A000002 && from.port == 999);
    memset(buf, 0, sizeof buf);
    CHECK_EQ(rtos_net_parse_recv(resp, 16 + 6, 8, buf, 4, NULL), 4); /* the caller's cap */
    CHECK(memcmp(buf, "abcd\0", 5) == 0);
    CHECK_EQ(rtos_net_parse_recv(resp, 16 + 5, 8, buf, 8, NULL), HV_EPROTO); /* says 6, holds 5 */
    CHECK_EQ(rtos_net_parse_recv(resp, 16 + 6, 5, buf, 8, NULL), HV_EPROTO); /* more than max_len */
    CHECK_EQ(rtos_net_parse_recv(resp, 15, 8, buf, 8, NULL), HV_EPROTO);
    CHECK_EQ(rtos_net_parse_recv(resp, -110, 8, buf, 8, NULL), -110);
}

TEST(latency_line)
{
    char line[160];
    struct rtos_rpc_latency l = {3, 250, 301, 1234};
    uint32_t n = rtos_net_latency_line(line, sizeof line, &l, 2000000000ull, 2, 17);
    CHECK_STR(line, "rtos latency: 3 samples min 250 avg 301 max 1234 ticks (TSC 2000000000 Hz), deadline misses 2, "
                    "report 17");
    CHECK_EQ(n, strlen(line));
    struct rtos_rpc_latency none = {0};
    rtos_net_latency_line(line, sizeof line, &none, 1000, 0, 1);
    CHECK_STR(line, "rtos latency: 0 samples, deadline misses 0, report 1");
    CHECK_EQ(rtos_net_latency_line(line, 10, &l, 1, 0, 1), 9); /* cut, terminated */
    CHECK_STR(line, "rtos late");
    CHECK_EQ(rtos_net_latency_line(line, 1, &l, 1, 0, 1), 0);
    CHECK_STR(line, "");
    l.max_ticks = UINT64_MAX;
    rtos_net_latency_line(line, sizeof line, &l, 1, 0, 1);
    CHECK(strstr(line, "max 18446744073709551615 ticks") != NULL);
}

TEST(latency_figures_from_the_rpc_library)
{
    setup();
    struct rtos_rpc_latency l;
    rtos_rpc_get_latency(&l);
    CHECK(l.samples == 0 && l.min_ticks == 0 && l.avg_ticks == 0 && l.max_ticks == 0);
    rtos_rpc_note_latency(30);
    rtos_rpc_note_latency(10);
    rtos_rpc_note_latency(21);
    rtos_rpc_get_latency(&l);
    CHECK(l.samples == 3 && l.min_ticks == 10 && l.avg_ticks == 20 && l.max_ticks == 30);
}

/* -------------------------------------------------------- socket calls */

static void not_registered_then_registered(void *arg)
{
    (void)arg;
    results[0] = rtos_net_socket(VMRPC_NET_UDP); /* peer still booting */
    results[1] = rtos_net_bound();
    registered = 1;
    results[2] = rtos_net_socket(VMRPC_NET_UDP);
    results[3] = rtos_net_socket(VMRPC_NET_TCP);
    results[4] = rtos_net_close(results[2]);
    results[5] = rtos_net_close(results[2]); /* twice: the peer's EBADF */
}

TEST(binds_lazily_and_retries_while_not_registered)
{
    setup();
    registered = 0;
    CHECK_EQ(binds, 0); /* nothing at init */
    run_client(not_registered_then_registered, 100000);
    CHECK_EQ(results[0], HV_ENOENT);
    CHECK_EQ(results[1], HV_ENOENT);
    CHECK_EQ(results[2], 0);
    CHECK_EQ(results[3], 1);
    CHECK_EQ(results[4], 0);
    CHECK_EQ(results[5], -9);
    CHECK_EQ(binds, 3); /* two refused, then one binding kept for every call */
    CHECK_STR(bound_name, "gpos/net");
    CHECK_EQ(bound_version, VMRPC_NET_VERSION);
    CHECK_EQ(rtos_net_bound(), NET_DESC);
}

static void sendto_body(void *arg)
{
    (void)arg;
    static uint8_t big[VMRPC_NET_MAX_DATA + 1];
    int32_t s = rtos_net_socket(VMRPC_NET_UDP);
    results[0] = s;
    results[1] = rtos_net_sendto(s, "rtos latency: x\n", 16, RTOS_NET_LOOPBACK, VMRPC_NET_DEMO_PORT);
    int calls = calls_made;
    results[2] = rtos_net_sendto(s, big, sizeof big, RTOS_NET_LOOPBACK, 1);
    results[3] = calls_made - calls; /* refused before any call */
    results[4] = rtos_net_sendto(s, big, VMRPC_NET_MAX_DATA, RTOS_NET_LOOPBACK, 1);
    results[5] = rtos_net_connect(s, RTOS_NET_IPV4(192, 168, 1, 2), 80);
    results[6] = rtos_net_send(s, "abc", 3);
    results[7] = rtos_net_socket(3);
    results[8] = rtos_net_send(-1, "abc", 3);
    results[9] = rtos_net_bind(s, RTOS_NET_ANY, 7000);
}

TEST(sendto_reaches_the_server_with_its_address)
{
    setup();
    run_client(sendto_body, 100000);
    CHECK_EQ(results[0], 0);
    CHECK_EQ(results[1], 16);
    CHECK_EQ(results[2], HV_EMSGSIZE);
    CHECK_EQ(results[3], 0);
    CHECK_EQ(results[4], VMRPC_NET_MAX_DATA);
    CHECK_EQ(results[5], 0);
    CHECK_EQ(results[6], 3);
    CHECK_EQ(results[7], HV_EINVAL);
    CHECK_EQ(results[8], HV_EINVAL);
    CHECK_EQ(results[9], 0);
    /* The last request the server saw: BIND. */
    struct vmrpc_net_addr_req br;
    memcpy(&br, last.req, sizeof br);
    CHECK(last.proc == VMRPC_NET_BIND && last.req_len == sizeof br && br.handle == 0 && br.addr.ipv4 == 0 &&
          br.addr.port == 7000);
}

static void sendto_layout_body(void *arg)
{
    (void)arg;
    int32_t s = rtos_net_socket(VMRPC_NET_UDP);
    results[0] = rtos_net_sendto(s, "hi there", 8, RTOS_NET_LOOPBACK, VMRPC_NET_DEMO_PORT);
}

TEST(sendto_request_layout)
{
    setup();
    run_client(sendto_layout_body, 100000);
    CHECK_EQ(results[0], 8);
    struct vmrpc_net_send_req h;
    memcpy(&h, last.req, sizeof h);
    CHECK_EQ(last.proc, VMRPC_NET_SENDTO);
    CHECK_EQ(last.req_len, sizeof h + 8);
    CHECK(h.handle == 0 && h.to.ipv4 == 0x7F000001 && h.to.port == 5005);
    CHECK(memcmp(last.req + sizeof h, "hi there", 8) == 0);
}

static void recv_body(void *arg)
{
    (void)arg;
    char buf[4] = {0};
    struct vmrpc_net_addr from = {0};
    int32_t s = rtos_net_socket(VMRPC_NET_UDP);
    results[0] = rtos_net_recv(s, buf, sizeof buf, 100, &from); /* nothing there */
    rx_data = "pong!";
    rx_from = (struct vmrpc_net_addr){RTOS_NET_LOOPBACK, 4242, 0};
    results[1] = rtos_net_recv(s, buf, sizeof buf, 0, &from);
    struct vmrpc_net_recv_req rq;
    memcpy(&rq, last.req, sizeof rq);
    results[2] = (int32_t)rq.max_len;  /* the caller's cap */
    results[3] = (int32_t)rq.timeout_ms;
    results[4] = memcmp(buf, "pong", 4) == 0 && from.port == 4242 && from.ipv4 == RTOS_NET_LOOPBACK;
    results[5] = rtos_net_recv(s, buf, sizeof buf, VMRPC_NET_MAX_TIMEOUT_MS + 1, NULL);
    results[6] = rtos_net_recv(s, NULL, 4, 0, NULL);
}

TEST(recv_returns_data_sender_or_timeout)
{
    setup();
    run_client(recv_body, 100000);
    CHECK_EQ(results[0], HV_ETIMEDOUT);
    CHECK_EQ(results[1], 4);
    CHECK_EQ(results[2], 4);
    CHECK_EQ(results[3], 0);
    CHECK_EQ(results[4], 1);
    CHECK_EQ(results[5], HV_EINVAL);
    CHECK_EQ(results[6], HV_EINVAL);
}

static void epipe_body(void *arg)
{
    (void)arg;
    int32_t s = rtos_net_socket(VMRPC_NET_UDP);
    /* A socket's own EPIPE (the module is still there): binding kept. */
    next_status = HV_EPIPE;
    results[0] = rtos_net_send(s, "x", 1);
    results[1] = unbinds;
    results[2] = binds;
    /* The server unregisters: calls get EPIPE, the binding is dropped. */
    gone = 1;
    results[3] = rtos_net_sendto(s, "x", 1, RTOS_NET_LOOPBACK, 1);
    results[4] = unbinds;
    /* It registers again: the next call binds anew and works. */
    registered = 1;
    results[5] = rtos_net_socket(VMRPC_NET_UDP);
    results[6] = binds;
}

TEST(epipe_drops_the_binding_only_when_the_module_is_gone)
{
    setup();
    run_client(epipe_body, 100000);
    CHECK_EQ(results[0], HV_EPIPE);
    CHECK_EQ(results[1], 0);
    CHECK_EQ(results[2], 1);
    CHECK_EQ(results[3], HV_EPIPE);
    CHECK_EQ(results[4], 1);
    CHECK(results[5] >= 0);
    CHECK_EQ(results[6], 2);
}

static void hang_body(void *arg)
{
    (void)arg;
    results[0] = rtos_net_socket(VMRPC_NET_UDP);
    hang = 1;
    rtos_net_set_call_ms(50);
    rtos_tick_t t0 = rtos_now();
    results[1] = rtos_net_sendto(results[0], "x", 1, RTOS_NET_LOOPBACK, 1);
    results[2] = (int32_t)(rtos_now() - t0);
    t0 = rtos_now();
    results[3] = rtos_net_recv(results[0], NULL, 0, 100, NULL); /* its own timeout on top */
    results[4] = (int32_t)(rtos_now() - t0);
}

TEST(calls_are_bounded_when_the_server_hangs)
{
    setup();
    run_client(hang_body, 400000);
    CHECK_EQ(results[0], 0);
    CHECK_EQ(results[1], HV_ETIMEDOUT);
    CHECK(results[2] >= 50000 && results[2] < 50000 + 2 * GUARD);
    CHECK_EQ(results[3], HV_ETIMEDOUT);
    CHECK(results[4] >= 150000 && results[4] < 150000 + 2 * GUARD);
    CHECK_EQ(rtos_net_call_ms(), 50);
}

static void peer_body(void *arg)
{
    (void)arg;
    rtos_net_init("linux");
    results[0] = rtos_net_socket(VMRPC_NET_UDP);
}

TEST(peer_name_is_configurable)
{
    setup();
    run_client(peer_body, 100000);
    CHECK_STR(bound_name, "linux/net");
    CHECK_EQ(results[0], HV_EPERM); /* not in this fake's rpc_bind */
    CHECK_EQ(rtos_net_call_ms(), RTOS_NET_CALL_MS);
}
