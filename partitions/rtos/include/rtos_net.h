/* Sockets for RTOS tasks, outsourced to the partition that has a network
 * stack: a client of the VMRPC module "net" (include/vmrpc_net.h, served
 * by Linux from user space in the gpos partition). The RTOS itself has no
 * network stack and no driver; every call below is one asynchronous
 * VMRPC call (rtos_rpc_call) that blocks the calling task alone, for a
 * bounded time, never the rest of the RTOS.
 *
 * - The module is bound lazily, at the first call: "PEER/net" (PEER
 *   "gpos" unless rtos_net_init names another; the partition's config
 *   must list it in rpc_bind) with VMRPC_NET_VERSION. While the peer has
 *   not registered it yet (Linux still booting) calls return HV_ENOENT
 *   (-2) and the next call tries to bind again.
 * - Every call has a deadline: rtos_net_call_ms() (RTOS_NET_CALL_MS by
 *   default) after it starts, plus the receive timeout for recv. Past it
 *   the call returns HV_ETIMEDOUT (-110); the hypervisor's late answer
 *   then goes to the VMRPC library's buffer, never to the caller's.
 * - Results: >= 0 on success (a handle, a byte count, 0), else a negative
 *   errno (Linux numbering, as HV_E*; vmrpc_strerror names the common
 *   ones): the hypervisor's (HV_ENOENT, HV_EBUSY: the server's queue is
 *   full, retry later; HV_EPIPE: the server went away) or the socket
 *   call's in Linux (-111 ECONNREFUSED, -9 EBADF for an unknown handle,
 *   -110 ETIMEDOUT when recv saw nothing). Arguments the library refuses
 *   before any call: HV_EINVAL (type, handle < 0, NULL buffer, timeout
 *   over VMRPC_NET_MAX_TIMEOUT_MS), HV_EMSGSIZE (more than
 *   VMRPC_NET_MAX_DATA bytes to send). A response that contradicts the
 *   ABI is HV_EPROTO.
 * - When the server goes away (HV_EPIPE) the library drops its binding
 *   (after checking, with a call of a procedure no server has, that it
 *   really is the module that is gone, not a socket's EPIPE or EBADF)
 *   and the next call binds again. Socket handles do not survive
 *   a server restart: after HV_EPIPE or EBADF, close and open again.
 * - send, sendto and recv build their message on the calling task's
 *   stack: give such tasks about 2 KiB more than they otherwise need.
 *
 * Task context only. Thread-safe: several tasks may use it at once (up to
 * RTOS_RPC_MAX_CALLS calls in flight, all VMRPC clients together). */
#ifndef RTOS_NET_H
#define RTOS_NET_H

#include "include/vmrpc_net.h"
#include "rtos_rpc.h"

#define RTOS_NET_PEER_DEFAULT "gpos"
#define RTOS_NET_CALL_MS 1000 /* default bound on one call, besides recv's own timeout */
#define RTOS_NET_IPV4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define RTOS_NET_LOOPBACK RTOS_NET_IPV4(127, 0, 0, 1)
#define RTOS_NET_ANY 0u

/* Forgets the binding (without unbinding: boot, host tests) and sets the
 * peer partition (NULL: RTOS_NET_PEER_DEFAULT; at most 23 characters) and
 * the call bound back to RTOS_NET_CALL_MS. Before tasks use the library. */
void rtos_net_init(const char *peer);
/* The bound on each call, in ms (at least 1). */
void rtos_net_set_call_ms(uint32_t ms);
uint32_t rtos_net_call_ms(void);

/* The descriptor of the binding, binding now if there is none yet: >= 0,
 * or the bind's error (HV_ENOENT while the peer has not registered "net"). */
int32_t rtos_net_bound(void);

/* VMRPC_NET_UDP or VMRPC_NET_TCP -> a handle (>= 0). */
int32_t rtos_net_socket(uint32_t type);
/* Addresses and ports in host byte order (RTOS_NET_LOOPBACK ...). */
int32_t rtos_net_bind(int32_t s, uint32_t ipv4, uint16_t port);
int32_t rtos_net_connect(int32_t s, uint32_t ipv4, uint16_t port);
/* -> bytes sent. len at most VMRPC_NET_MAX_DATA (one datagram). */
int32_t rtos_net_send(int32_t s, const void *data, uint32_t len);
int32_t rtos_net_sendto(int32_t s, const void *data, uint32_t len, uint32_t ipv4, uint16_t port);
/* Waits at most timeout_ms (<= VMRPC_NET_MAX_TIMEOUT_MS; 0 = only what is
 * there) for data; -> bytes written to buf (at most cap, and at most
 * VMRPC_NET_MAX_DATA at a time), the sender in *from if from is not
 * NULL; -110 ETIMEDOUT when nothing came. */
int32_t rtos_net_recv(int32_t s, void *buf, uint32_t cap, uint32_t timeout_ms, struct vmrpc_net_addr *from);
int32_t rtos_net_close(int32_t s);

/* ------------------------------------ pure helpers (host unit-tested) */

/* The largest message either way: a send request or a recv response. */
#define RTOS_NET_MSG_MAX (sizeof(struct vmrpc_net_send_req) + VMRPC_NET_MAX_DATA)

/* A SEND/SENDTO request into msg (cap bytes): header + data. -> the
 * request length, or HV_EINVAL / HV_EMSGSIZE. to may be NULL (SEND). */
int32_t rtos_net_build_send(void *msg, uint32_t cap, int32_t s, const void *data, uint32_t len,
                            const struct vmrpc_net_addr *to);

/* Checks a response of resp_len bytes (a call's result: negative errors
 * pass through unchanged). */
int32_t rtos_net_parse_socket(const void *resp, int32_t resp_len); /* -> handle */
int32_t rtos_net_parse_sent(const void *resp, int32_t resp_len, uint32_t asked); /* -> bytes sent */
/* -> payload bytes copied to buf (at most cap), *from if not NULL. */
int32_t rtos_net_parse_recv(const void *resp, int32_t resp_len, uint32_t max_len, void *buf, uint32_t cap,
                            struct vmrpc_net_addr *from);
/* Procedures without a response (BIND, CONNECT, CLOSE): 0 or the error. */
int32_t rtos_net_parse_none(int32_t resp_len);

/* The RTOS demo's report (option net_udp): "rtos latency: N samples min A
 * avg B max C ticks (TSC H Hz), deadline misses D, report K" (without
 * the min/avg/max part while N is 0), NUL-terminated, cut to fit cap.
 * -> its length. */
struct rtos_rpc_latency;
uint32_t rtos_net_latency_line(char *buf, uint32_t cap, const struct rtos_rpc_latency *lat, uint64_t tsc_hz,
                               uint64_t deadline_misses, uint32_t report);

#endif
