/* State shared by the files of rpc/: the module table, each partition's
 * descriptors, and the one lock that guards both. Critical sections are
 * short (lookups, slot and descriptor changes); payload copies and waits
 * happen outside it. */
#ifndef RPC_RPC_INTERNAL_H
#define RPC_RPC_INTERNAL_H

#include "hv/spinlock.h"
#include "rpc/evq.h"
#include "rpc/rpc.h"

#define RPC_MAX_MODULES 16

/* What the hypervisor knows of one slot of a module's ring. The guest's
 * copy of the slot header is output only: never read back. */
enum rpc_slot_state {
    SLOT_FREE,      /* no call */
    SLOT_COPYING,   /* a client CPU is copying its request in */
    SLOT_QUEUED,    /* request there; no server vCPU has it yet (wait mode) */
    SLOT_SERVING,   /* handed to the server, awaiting its reply */
};

/* Where a synchronous caller waits: on its own CPU's stack. */
struct rpc_waiter {
    volatile uint32_t done;
    int32_t result;
};

struct rpc_call {
    uint32_t state;             /* enum rpc_slot_state */
    uint32_t seq;               /* order of arrival: wait mode serves the oldest first */
    struct partition *client;
    uint32_t client_desc;       /* its binding: counts pending calls */
    uint32_t client_apic;       /* async completion goes to this CPU */
    uint32_t resp_cap;
    uint64_t resp_gpa;
    uint64_t async_gpa;         /* struct vmrpc_async to complete, or 0 */
    struct rpc_waiter *waiter;  /* synchronous caller, or NULL */
    bool abandoned;             /* its synchronous caller gave up (timeout, stop) */
};

enum rpc_module_state { MOD_FREE, MOD_LIVE, MOD_DYING };

struct rpc_module {
    uint32_t state; /* enum rpc_module_state */
    uint32_t gen;   /* bumped at each registration: stale bindings see it */
    struct partition *server;
    uint32_t server_desc;
    uint32_t server_apic; /* doorbells go here */
    char name[VMRPC_NAME_MAX];
    uint32_t version, proc_count, mode, slot_count, slot_size;
    uint8_t *ring; /* host view of the ring, inside the server's RAM */
    uint32_t seq;
    uint32_t copying; /* slots in SLOT_COPYING: unregister waits for them */
    struct rpc_call calls[VMRPC_MAX_SLOTS];
    struct evq queues[VMRPC_MAX_QUEUES];
};

enum rpc_desc_kind { DESC_FREE, DESC_SERVE, DESC_BIND };

struct rpc_desc {
    uint8_t kind;     /* enum rpc_desc_kind */
    uint8_t module;   /* index into rpc_modules */
    uint32_t gen;     /* the module's gen when opened */
    uint32_t pending; /* DESC_BIND: calls not yet completed */
};

struct rpc_party {
    struct rpc_desc desc[VMRPC_MAX_DESCS];
};

extern spinlock_t rpc_lock;
extern struct rpc_module rpc_modules[RPC_MAX_MODULES];
extern struct rpc_party rpc_parties[CFG_MAX_PARTITIONS];

/* Under rpc_lock: the module behind descriptor d of partition p if it is
 * of `kind` (DESC_SERVE or DESC_BIND), else NULL with *err set to
 * HV_EBADF, or HV_EPIPE for a binding whose module went away. */
struct rpc_module *rpc_desc_module(const struct partition *p, uint64_t d, enum rpc_desc_kind kind, int64_t *err);
/* Under rpc_lock: the module behind d for either side (event queues). */
struct rpc_module *rpc_desc_any_module(const struct partition *p, uint64_t d, int64_t *err);

/* rpc/call.c: completes every call of m with `result` (unregister, stop);
 * under rpc_lock, with no slot in SLOT_COPYING. */
void rpc_calls_abort(struct rpc_module *m, int32_t result);
/* rpc/evq_calls.c: wakes blocked getters of m's queues (they see the
 * module dying). Under rpc_lock. */
void rpc_evq_abort(struct rpc_module *m);

/* rpc/wait.c: busy-waits in root mode until ready(ctx) is true. Returns
 * 0; HV_ETIMEDOUT once the TSC passes deadline (0 = none); HV_EINTR if
 * interruptible and an interrupt is pending for the guest; HV_EPIPE if
 * the caller's own partition is being stopped. The time spent is added
 * to *c->wait_ticks. */
int rpc_wait(const struct rpc_caller *c, bool (*ready)(void *ctx), void *ctx, uint64_t deadline, bool interruptible);
uint64_t rpc_deadline_us(uint64_t us);
/* rpc_wait with a timeout in microseconds from now (> 0). */
int rpc_wait_us(const struct rpc_caller *c, bool (*ready)(void *ctx), void *ctx, uint64_t timeout_us,
                bool interruptible);

/* Guest memory of partition p, or NULL if [gpa, gpa+len) is not all in
 * its RAM. */
static inline void *rpc_guest(const struct partition *p, uint64_t gpa, uint64_t len)
{
    return guest_ram_ptr(&p->ram, gpa, len);
}

int64_t rpc_register(const struct rpc_caller *c, uint64_t reg_gpa, uint64_t size);
int64_t rpc_unregister(const struct rpc_caller *c, uint64_t d);
int64_t rpc_bind(const struct rpc_caller *c, uint64_t name_gpa, uint64_t version);
int64_t rpc_unbind(const struct rpc_caller *c, uint64_t d);
int64_t rpc_list(const struct rpc_caller *c, uint64_t index, uint64_t info_gpa, uint64_t size);
int64_t rpc_call_sync(const struct rpc_caller *c, const uint64_t arg[RPC_ARGS]);
int64_t rpc_call_async(const struct rpc_caller *c, uint64_t call_gpa, uint64_t size);
int64_t rpc_reply(const struct rpc_caller *c, uint64_t d, uint64_t slot, uint64_t status, uint64_t resp_len);
int64_t rpc_wait_request(const struct rpc_caller *c, const uint64_t arg[RPC_ARGS]);
int64_t rpc_evq_create(const struct rpc_caller *c, uint64_t d, uint64_t capacity);
int64_t rpc_evq_delete(const struct rpc_caller *c, uint64_t d, uint64_t q);
int64_t rpc_evq_put(const struct rpc_caller *c, uint64_t d, uint64_t q, uint64_t ev_gpa);
int64_t rpc_evq_get(const struct rpc_caller *c, uint64_t d, uint64_t q, uint64_t ev_gpa, uint64_t timeout_us);
int64_t rpc_evq_info(const struct rpc_caller *c, uint64_t d, uint64_t q, uint64_t info_gpa, uint64_t size);

#endif
