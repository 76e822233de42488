/* VMRPC for a general-purpose guest: a server helper (register a module
 * with a ring in the guest's own memory, serve it in either receive mode)
 * and client helpers (bind, synchronous call, asynchronous submit and
 * completion check), on top of the raw hypercalls of
 * partitions/common/vmrpc_hc.h. The ABI is include/vmrpc_abi.h.
 *
 * Every ABI structure handed to the hypervisor must be 8-byte aligned
 * (HV_EINVAL otherwise): on i386 a struct with uint64_t members is only
 * 4-byte aligned, so declare them __attribute__((aligned(8))).
 *
 * Freestanding and stateless apart from the structures the caller owns:
 * no allocation, no locks. Pointers are guest-physical (the in-tree
 * kernels run with paging off); a kernel with paging would translate them
 * before the hypercall. A server structure must only be used by one
 * context at a time (its CPU's interrupt handler or its main loop, not
 * both at once). */
#ifndef GPOS_VMRPC_LIB_H
#define GPOS_VMRPC_LIB_H

#include "partitions/common/vmrpc_hc.h"

/* A procedure: returns the response length (<= resp_cap) or a negative
 * HV_E* status for the caller. req and resp point into the same slot:
 * read the request before writing the response. VMRPC_DEFER: no reply
 * now; the slot stays VMRPC_SLOT_SERVING (the handler may have
 * unregistered the module, or will reply later with vmrpc_server_reply). */
typedef int32_t (*vmrpc_handler_fn)(void *ctx, uint32_t proc, const void *req, uint32_t req_len, void *resp,
                                    uint32_t resp_cap);
#define VMRPC_DEFER ((int32_t)0x7FFFFFFF)

/* Bytes of a slot holding msg_max bytes of payload, header included,
 * rounded up to the ABI's multiple of 64 (at least 128). */
#define VMRPC_SLOT_SIZE_FOR(msg_max) ((64u + ((msg_max) ? (uint32_t)(msg_max) : 1u) + 63u) & ~63u)

struct vmrpc_server {
    /* Filled by the caller before vmrpc_server_register. */
    const char *name;    /* module name, < VMRPC_NAME_MAX characters */
    uint32_t version;    /* VMRPC_VERSION(major, minor) */
    uint32_t proc_count; /* procedures 0 .. proc_count-1 */
    void *ring;          /* slot_count * slot_size bytes, 64-byte aligned */
    uint32_t slot_count;
    uint32_t slot_size;  /* VMRPC_SLOT_SIZE_FOR(largest message) */
    uint32_t mode;       /* VMRPC_RECV_WAIT or VMRPC_RECV_DOORBELL */
    vmrpc_handler_fn handler;
    void *ctx;           /* handed to handler */
    int hypercall_replies; /* 1: answer every call with HC_RPC_REPLY, never exit-free */
    /* Kept by the library. */
    int32_t desc;        /* descriptor while registered, else -1 */
    uint32_t served;     /* requests dispatched */
    uint32_t errors;     /* failed replies or waits */
    int32_t last_error;  /* the latest of those */
};

/* Registers s (clearing its ring first). Returns the descriptor or an
 * HV_E* error (s->desc stays -1). */
int32_t vmrpc_server_register(struct vmrpc_server *s);

/* Unregisters: the hypervisor fails its pending and later calls with
 * HV_EPIPE. Safe from inside the handler (return VMRPC_DEFER then). */
int32_t vmrpc_server_unregister(struct vmrpc_server *s);

static inline int vmrpc_server_registered(const struct vmrpc_server *s) { return s->desc >= 0; }

/* Doorbell mode (or any mode, as a sweep): answers every slot in state
 * VMRPC_SLOT_REQUEST, marking it SERVING first, until a whole pass finds
 * none. Call it from the rpc_vector interrupt handler. Returns the number
 * of requests dispatched. */
uint32_t vmrpc_server_poll(struct vmrpc_server *s);

/* Replies to a slot (the poll does so itself; this is for slots left
 * SERVING by VMRPC_DEFER). A synchronous caller's slot is answered
 * without an exit (status, resp_len, then state VMRPC_SLOT_REPLIED);
 * an asynchronous one's (flags VMRPC_SLOT_ASYNC) with HC_RPC_REPLY. */
int32_t vmrpc_server_reply(struct vmrpc_server *s, uint32_t slot, int32_t status, uint32_t resp_len);

/* Wait mode: the serve loop. Parks in HC_RPC_WAIT handing back the
 * previous reply each time. When the wait ends with HV_EINTR (an
 * interrupt is pending for this CPU), calls on_eintr(ctx), which must let
 * the interrupt in (e.g. vmrpc_take_interrupts) and returns non-zero to
 * end the loop. Returns 0 when on_eintr asked, HV_EPIPE once the module
 * is no longer registered, or the error of a wait that failed twice in a
 * row. Never leaves a reply owed: on EINTR the hypervisor has already
 * taken it. */
int32_t vmrpc_server_serve_wait(struct vmrpc_server *s, int (*on_eintr)(void *ctx), void *ctx);

/* STI; NOP; CLI: a pending interrupt is taken right after the NOP (STI
 * holds interrupts off for one instruction, SDM Vol. 2B STI). */
static inline void vmrpc_take_interrupts(void) { __asm__ __volatile__("sti; nop; cli" ::: "memory"); }

/* Client side. */

/* "partition/module" into buf (VMRPC_BIND_NAME_MAX bytes); 0, or
 * HV_EINVAL if it does not fit. */
int32_t vmrpc_bind_name(char *buf, const char *partition, const char *module);

/* Binds "partition/module": descriptor or HV_E*. */
int32_t vmrpc_client_bind(const char *partition, const char *module, uint32_t version);

/* Entry of the caller's rpc_bind list named "partition/module" into
 * *info: its index, or HV_ENOENT when the list has no such entry. Lets a
 * client wait for a server to register (info->registered) before binding. */
int32_t vmrpc_client_lookup(const char *partition, const char *module, struct vmrpc_module_info *info);

/* Synchronous call: response length or HV_E* (vmrpc_call, named here for
 * symmetry). */
static inline int32_t vmrpc_client_call(uint32_t desc, uint32_t proc, const void *req, uint32_t req_len, void *resp,
                                        uint32_t resp_cap)
{
    return vmrpc_call(desc, proc, req, req_len, resp, resp_cap);
}

/* Fills *a and submits it. 0 or HV_E* (then nothing is outstanding).
 * *a and both buffers must stay in place until vmrpc_async_done(a). */
int32_t vmrpc_client_call_async(struct vmrpc_async *a, uint32_t desc, uint32_t proc, const void *req,
                                uint32_t req_len, void *resp, uint32_t resp_cap, uint64_t tag);

/* Completion check: 1 once the hypervisor wrote result and done. The
 * completion interrupt (the partition's rpc_vector) follows the write;
 * polling this is always correct, the interrupt only saves the polling. */
static inline int vmrpc_async_done(const struct vmrpc_async *a)
{
    int d = a->done != 0;
    __asm__ __volatile__("" ::: "memory"); /* result is read after done */
    return d;
}

/* Response length or HV_E*; valid once vmrpc_async_done. */
static inline int32_t vmrpc_async_result(const struct vmrpc_async *a) { return a->result; }

#endif
