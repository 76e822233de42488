/* The "net" VMRPC module: socket outsourcing (../shared/SEEDS.md, seed 1).
 * A partition without a network stack (the RTOS) opens UDP and TCP
 * sockets in the partition that has one (Linux, which serves the module
 * from user space), and connects, sends and receives through it.
 *
 * Every procedure's request starts with the socket handle the server
 * gave at VMRPC_NET_SOCKET; handles are the caller's own (the server keys
 * them by the caller's partition id). A call's status is the response
 * length (>= 0) or a negative errno (Linux numbering, like HV_E*), e.g.
 * -111 ECONNREFUSED, -9 EBADF for an unknown handle, -110 ETIMEDOUT when
 * RECV saw nothing within its timeout. Addresses are IPv4 in host byte
 * order (127.0.0.1 = 0x7F000001). All structures are 8-byte multiples,
 * the same for 32- and 64-bit callers. */
#ifndef VMRPC_NET_H
#define VMRPC_NET_H

#include <stdint.h>

#define VMRPC_NET "net"
#define VMRPC_NET_VERSION VMRPC_VERSION(1, 0)

/* Procedures. */
#define VMRPC_NET_SOCKET 0  /* struct vmrpc_net_socket_req -> struct vmrpc_net_socket_resp */
#define VMRPC_NET_BIND 1    /* struct vmrpc_net_addr_req -> nothing */
#define VMRPC_NET_CONNECT 2 /* struct vmrpc_net_addr_req -> nothing */
#define VMRPC_NET_SEND 3    /* struct vmrpc_net_send_req + data -> struct vmrpc_net_send_resp (to ignored) */
#define VMRPC_NET_SENDTO 4  /* struct vmrpc_net_send_req + data -> struct vmrpc_net_send_resp */
#define VMRPC_NET_RECV 5    /* struct vmrpc_net_recv_req -> struct vmrpc_net_recv_resp + data */
#define VMRPC_NET_CLOSE 6   /* struct vmrpc_net_handle_req -> nothing */
#define VMRPC_NET_PROCS 7

#define VMRPC_NET_UDP 1
#define VMRPC_NET_TCP 2

#define VMRPC_NET_MAX_DATA 1408 /* payload bytes per SEND/SENDTO/RECV */
#define VMRPC_NET_MAX_SOCKETS 16 /* per caller */
#define VMRPC_NET_MAX_TIMEOUT_MS 5000 /* RECV waits at most this long */

struct vmrpc_net_addr {
    uint32_t ipv4; /* host byte order */
    uint16_t port; /* host byte order */
    uint16_t reserved;
};

struct vmrpc_net_socket_req {
    uint32_t type; /* VMRPC_NET_UDP or VMRPC_NET_TCP */
    uint32_t reserved;
};

struct vmrpc_net_socket_resp {
    int32_t handle;
    uint32_t reserved;
};

struct vmrpc_net_handle_req {
    int32_t handle;
    uint32_t reserved;
};

struct vmrpc_net_addr_req {
    int32_t handle;
    uint32_t reserved;
    struct vmrpc_net_addr addr;
};

/* Followed by the payload: req_len - sizeof header bytes (at most
 * VMRPC_NET_MAX_DATA). */
struct vmrpc_net_send_req {
    int32_t handle;
    uint32_t reserved;
    struct vmrpc_net_addr to; /* SENDTO only */
};

struct vmrpc_net_send_resp {
    uint32_t sent;
    uint32_t reserved;
};

struct vmrpc_net_recv_req {
    int32_t handle;
    uint32_t max_len;    /* at most VMRPC_NET_MAX_DATA */
    uint32_t timeout_ms; /* 0 = do not wait; at most VMRPC_NET_MAX_TIMEOUT_MS */
    uint32_t reserved;
};

/* Followed by len bytes of payload. */
struct vmrpc_net_recv_resp {
    struct vmrpc_net_addr from;
    uint32_t len;
    uint32_t reserved;
};

_Static_assert(sizeof(struct vmrpc_net_addr) == 8, "ABI: struct vmrpc_net_addr size");
_Static_assert(sizeof(struct vmrpc_net_addr_req) == 16, "ABI: struct vmrpc_net_addr_req size");
_Static_assert(sizeof(struct vmrpc_net_send_req) == 16, "ABI: struct vmrpc_net_send_req size");
_Static_assert(sizeof(struct vmrpc_net_recv_req) == 16, "ABI: struct vmrpc_net_recv_req size");
_Static_assert(sizeof(struct vmrpc_net_recv_resp) == 16, "ABI: struct vmrpc_net_recv_resp size");

/* The RTOS demo's latency report (partitions/rtos, net_udp=PORT): one
 * text line per UDP datagram, to 127.0.0.1:VMRPC_NET_DEMO_PORT inside
 * Linux, where `vmrpc udp-listen` prints it. */
#define VMRPC_NET_DEMO_PORT 5005

#endif
