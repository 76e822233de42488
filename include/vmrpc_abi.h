/* VMRPC ABI: procedure calls between partitions and event queues, shared
 * by the hypervisor (rpc/) and every guest library (C, 32- or 64-bit).
 *
 * Calls are VMCALLs as in include/hv_abi.h: RAX = operation, arguments in
 * RBX, RCX, RDX, RSI, RDI (32-bit guests: the low halves), result in RAX:
 * >= 0 on success, a negative HV_E* error. Every address is guest-physical
 * in the caller's own RAM; nothing outside it is ever read or written.
 *
 * Model (../shared/DESIGN.md, "VMRPC"):
 * - A server partition registers a module (name, version, procedure
 *   count) that its static config lists in rpc_serve. It gives a receive
 *   ring of slots in its own RAM: the hypervisor copies each request into
 *   a free slot (once), the server writes its response into the same
 *   slot, and the hypervisor copies that to the caller (once). The ring's
 *   slot count bounds the module's queue: a call finding no free slot
 *   gets HV_EBUSY at once, never silent loss.
 * - Receive modes: VMRPC_RECV_WAIT, a server vCPU parked in
 *   HC_RPC_WAIT (reply-and-wait; returns the next slot); or
 *   VMRPC_RECV_DOORBELL, the hypervisor sends a fixed IPI with the
 *   partition's rpc_vector (its config) to the CPU that registered the
 *   module, which takes it through its own LAPIC without a VM exit; the
 *   server finds slots in state VMRPC_SLOT_REQUEST and answers each with
 *   HC_RPC_REPLY (or without an exit: struct vmrpc_slot). VMRPC_RECV_POLL
 *   is the same without the IPI.
 * - A client binds "partition/module" (its config lists it in rpc_bind)
 *   with a version and gets a descriptor; versions are major << 16 |
 *   minor: the majors must be equal and the server's minor at least the
 *   one asked for. HC_RPC_CALL waits in the hypervisor (the calling CPU
 *   runs nothing else meanwhile); HC_RPC_CALL_ASYNC returns at once and
 *   completes by writing the descriptor's result and done fields, then
 *   sending the caller's CPU the partition's rpc_vector.
 * - Descriptors are small per-partition numbers (like file descriptors):
 *   HC_RPC_REGISTER and HC_RPC_BIND return them; modules, bindings and
 *   event queues are named by them.
 * - Event queues belong to a module (created by its server); its server
 *   and every client bound to it may put and get 32-byte events. A put
 *   on a full queue fails with HV_EBUSY and is counted; the next event
 *   got carries the count lost before it.
 */
#ifndef VMRPC_ABI_H
#define VMRPC_ABI_H

#include "include/hv_abi.h"

#define VMRPC_ABI_VERSION 1

/* Operations (RAX). */
#define HC_RPC_REGISTER 16   /* (reg_gpa, sizeof reg): struct vmrpc_register -> descriptor */
#define HC_RPC_UNREGISTER 17 /* (desc): pending and later calls fail with HV_EPIPE -> 0 */
#define HC_RPC_BIND 18       /* (name_gpa, version): NUL-terminated "partition/module" -> descriptor */
#define HC_RPC_UNBIND 19     /* (desc): HV_EBUSY while its calls are pending -> 0 */
#define HC_RPC_CALL 20       /* (desc | proc << 16, req_gpa, req_len, resp_gpa, resp_cap) -> response length */
#define HC_RPC_CALL_ASYNC 21 /* (call_gpa, sizeof call): struct vmrpc_async -> 0, completion later */
#define HC_RPC_REPLY 22      /* (desc, slot, status, resp_len) -> 0 */
#define HC_RPC_WAIT 23       /* (desc, reply_slot or VMRPC_NO_REPLY, status, resp_len) -> next slot */
#define HC_RPC_LIST 24       /* (index, info_gpa, sizeof info): caller's rpc_bind entry -> 0 or HV_ENOENT */
#define HC_EVQ_CREATE 25     /* (desc of a module it serves, capacity) -> queue number */
#define HC_EVQ_DELETE 26     /* (desc, queue) -> 0; blocked getters get HV_EPIPE */
#define HC_EVQ_PUT 27        /* (desc, queue, event_gpa) -> 0, HV_EBUSY when full (counted) */
#define HC_EVQ_GET 28        /* (desc, queue, event_gpa, timeout_us): 0 = poll -> 0 */
#define HC_EVQ_INFO 29       /* (desc, queue, info_gpa, sizeof info) -> 0 */

/* Errors beyond those of hv_abi.h (Linux numbering). */
#define HV_ENOENT (-2)     /* no such module, binding entry or queue */
#define HV_EINTR (-4)      /* a wait ended because an interrupt or NMI is pending for the caller: retry */
#define HV_EBADF (-9)      /* descriptor not open, or of the wrong kind */
#define HV_EAGAIN (-11)    /* nothing there (polling get) */
#define HV_ENOMEM (-12)    /* a table of the hypervisor is full */
#define HV_EBUSY (-16)     /* module queue or event queue full; unbind with calls pending */
#define HV_EEXIST (-17)    /* module already registered */
#define HV_EPIPE (-32)     /* the server unregistered or stopped */
#define HV_EPROTO (-71)    /* version mismatch */
#define HV_EMSGSIZE (-90)  /* request or response larger than the other side's buffer */
#define HV_ETIMEDOUT (-110)

/* Limits. */
#define VMRPC_NAME_MAX 24        /* module name, NUL included */
#define VMRPC_BIND_NAME_MAX 64   /* "partition/module", NUL included */
#define VMRPC_MAX_PROCS 256
#define VMRPC_MAX_SLOTS 16
#define VMRPC_MAX_MSG 16384      /* request or response bytes */
#define VMRPC_MAX_DESCS 16       /* descriptors per partition */
#define VMRPC_MAX_QUEUES 4       /* event queues per module */
#define VMRPC_EVQ_MAX_CAPACITY 64
#define VMRPC_SYNC_TIMEOUT_MS 1000 /* HC_RPC_CALL gives up (HV_ETIMEDOUT) after this */
#define VMRPC_NO_REPLY 0xFFFFFFFFu

#define VMRPC_VERSION(major, minor) ((uint32_t)(major) << 16 | (uint32_t)(minor))

enum vmrpc_recv_mode {
    VMRPC_RECV_WAIT = 0,     /* HC_RPC_WAIT */
    VMRPC_RECV_DOORBELL = 1, /* IPI with the partition's rpc_vector */
    VMRPC_RECV_POLL = 2,     /* like the doorbell, without the IPI: the server polls its ring
                              * (an RTOS serving from its idle loop takes no interrupt at all) */
};

/* HC_RPC_REGISTER's argument. The ring is slot_count slots of slot_size
 * bytes each, 64-byte aligned, inside the server's RAM. */
struct vmrpc_register {
    uint64_t ring_gpa;
    char name[VMRPC_NAME_MAX];
    uint32_t version;
    uint32_t proc_count; /* procedures 0 .. proc_count-1; 1..VMRPC_MAX_PROCS */
    uint32_t slot_count; /* 1..VMRPC_MAX_SLOTS */
    uint32_t slot_size;  /* header included: a multiple of 64, at least 128, at most 64 + VMRPC_MAX_MSG */
    uint32_t mode;       /* enum vmrpc_recv_mode */
    uint32_t reserved;   /* 0 */
};
_Static_assert(sizeof(struct vmrpc_register) == 56, "ABI: struct vmrpc_register size");

/* One slot of a receive ring. The hypervisor writes the header and the
 * request, then sets state to VMRPC_SLOT_REQUEST last. The server writes
 * its response into data (at most slot_size - sizeof header bytes) and
 * answers in one of two ways:
 * - HC_RPC_REPLY (or HC_RPC_WAIT's reply arguments): a VM exit on the
 *   server's CPU; works for every call;
 * - without an exit, for a call whose flags lack VMRPC_SLOT_ASYNC (its
 *   caller waits in the hypervisor, watching the slot): write status and
 *   resp_len, then state = VMRPC_SLOT_REPLIED last (a release store).
 *   The caller's CPU copies the response and frees the slot.
 * Calls with VMRPC_SLOT_ASYNC need HC_RPC_REPLY: somebody must send the
 * completion interrupt. The hypervisor reads back only state, status and
 * resp_len, each once, and checks them: a server scribbling on its ring
 * confuses only its own callers' results. */
enum vmrpc_slot_state {
    VMRPC_SLOT_FREE = 0,
    VMRPC_SLOT_REQUEST = 1, /* set by the hypervisor */
    VMRPC_SLOT_SERVING = 2, /* the server may set it, for itself */
    VMRPC_SLOT_REPLIED = 3, /* set by the server: status and resp_len valid */
};
#define VMRPC_SLOT_ASYNC 1u /* flags: the caller is asynchronous; answer with HC_RPC_REPLY */

struct vmrpc_slot {
    volatile uint32_t state; /* enum vmrpc_slot_state */
    uint32_t proc;
    uint32_t req_len;
    uint32_t resp_cap;  /* the caller's response buffer size */
    uint32_t client_id; /* partition id of the caller */
    uint32_t seq;       /* calls made to this module so far */
    uint32_t flags;     /* VMRPC_SLOT_ASYNC */
    int32_t status;     /* exit-free reply: >= 0 success, or a negative HV_E* for the caller */
    uint32_t resp_len;  /* exit-free reply: bytes of response in data */
    uint32_t reserved[7];
    uint8_t data[];     /* request in, response out */
};
_Static_assert(sizeof(struct vmrpc_slot) == 64, "ABI: struct vmrpc_slot header size");

/* HC_RPC_CALL_ASYNC's argument, in the caller's RAM; the hypervisor
 * copies it at submission. On completion it writes result (response
 * length or error) and then done = 1, then sends the interrupt. Keep it
 * in place until done. */
struct vmrpc_async {
    uint64_t req_gpa;
    uint64_t resp_gpa;
    uint64_t tag; /* the caller's own, untouched */
    uint32_t desc;
    uint32_t proc;
    uint32_t req_len;
    uint32_t resp_cap;
    volatile int32_t result;
    volatile uint32_t done;
};
_Static_assert(sizeof(struct vmrpc_async) == 48, "ABI: struct vmrpc_async size");

/* HC_RPC_LIST's answer: entry `index` of the caller's rpc_bind list. */
struct vmrpc_module_info {
    char name[VMRPC_BIND_NAME_MAX]; /* "partition/module" */
    uint32_t registered;            /* 1 when the server has it registered now */
    uint32_t version;
    uint32_t proc_count;
    uint32_t mode;
};
_Static_assert(sizeof(struct vmrpc_module_info) == 80, "ABI: struct vmrpc_module_info size");

struct vmrpc_event {
    uint64_t data[2];
    uint32_t code;
    uint32_t sender; /* partition id, filled by the hypervisor */
    uint32_t lost;   /* filled at get: puts refused (full) since the previous get */
    uint32_t seq;    /* filled at put: events put into this queue so far */
};
_Static_assert(sizeof(struct vmrpc_event) == 32, "ABI: struct vmrpc_event size");

struct vmrpc_evq_info {
    uint32_t capacity;
    uint32_t count;
    uint32_t puts;
    uint32_t gets;
    uint32_t overflows; /* puts refused because it was full, in all */
    uint32_t reserved;
};
_Static_assert(sizeof(struct vmrpc_evq_info) == 24, "ABI: struct vmrpc_evq_info size");

/* The standard modules every partition serves the same way. */
#define VMRPC_SYSINFO "sysinfo"
#define VMRPC_SYSINFO_VERSION VMRPC_VERSION(1, 0)
#define VMRPC_SYSINFO_GET 0 /* () -> struct vmrpc_sysinfo */

struct vmrpc_sysinfo {
    char os_name[32];
    uint64_t uptime_us;
    uint64_t mem_total_bytes;
    uint64_t mem_used_bytes;
    uint64_t mem_free_bytes;
    uint32_t cpu_load_permille; /* busy share of its CPUs since the previous call (or boot) */
    uint32_t task_count;        /* tasks or processes */
    uint32_t has_latency;       /* 1: the latency fields are valid */
    uint32_t latency_samples;
    uint64_t latency_min_ticks; /* timer interrupt -> task, TSC ticks */
    uint64_t latency_avg_ticks;
    uint64_t latency_max_ticks;
    uint64_t deadline_misses;
};
_Static_assert(sizeof(struct vmrpc_sysinfo) == 112, "ABI: struct vmrpc_sysinfo size");

#define VMRPC_ECHO "echo"
#define VMRPC_ECHO_VERSION VMRPC_VERSION(1, 0)
#define VMRPC_ECHO_ECHO 0 /* (bytes) -> the same bytes */
#define VMRPC_ECHO_NULL 1 /* () -> nothing: the cost of a round trip */
#define VMRPC_ECHO_STATS 2 /* () -> struct vmrpc_echo_stats of the serving CPU (benchmarks) */

struct vmrpc_echo_stats {
    uint64_t calls;      /* echo calls served so far, all procedures */
    uint64_t exits;      /* hv_exit_stats.total of the serving CPU */
    uint64_t root_ticks; /* hv_exit_stats.root_ticks of the serving CPU */
};
_Static_assert(sizeof(struct vmrpc_echo_stats) == 24, "ABI: struct vmrpc_echo_stats size");

#endif
