/* VMRPC in the hypervisor: modules, bindings, calls, waits and event
 * queues between partitions (ABI and model: include/vmrpc_abi.h).
 *
 * The core's hypercall dispatcher hands operations HC_RPC_* and HC_EVQ_*
 * here with the caller and its argument registers. This layer reaches
 * guest memory only through guest_ram_ptr on the caller's or the peer's
 * own RAM, touches no VMCS field, and reaches the CPU only through
 * rpc/rpc_arch.h, so that it also builds for the host (unit tests and the
 * libFuzzer harness in tests/fuzz/). */
#ifndef RPC_RPC_H
#define RPC_RPC_H

#include "hv/partition.h"
#include "include/vmrpc_abi.h"

/* Who makes a hypercall. */
struct rpc_caller {
    struct partition *p;
    uint32_t apic_id;     /* its CPU: doorbells and completions go there */
    uint64_t *wait_ticks; /* time spent waiting for another partition is added here */
    /* NMIs queued for its guest (NULL: none tracked): an interruptible
     * wait ends with HV_EINTR when one is, as for a pending interrupt. */
    const volatile uint32_t *nmi_pending;
};

#define RPC_ARGS 5

/* Runs operation op (HC_RPC_* or HC_EVQ_*) with arguments arg[0..4] (RBX,
 * RCX, RDX, RSI, RDI, already cut to 32 bits for 32-bit guests). Returns
 * the value for RAX. May wait (reply-and-wait, synchronous call, blocking
 * get); never longer than VMRPC_SYNC_TIMEOUT_MS for a call. */
int64_t rpc_hypercall(const struct rpc_caller *c, uint32_t op, const uint64_t arg[RPC_ARGS]);

/* True for the operations rpc_hypercall takes. */
static inline bool rpc_is_operation(uint64_t op) { return op >= HC_RPC_REGISTER && op <= HC_EVQ_INFO; }

/* Partition p stopped: its modules go away (their callers get HV_EPIPE),
 * its bindings are closed; calls it made complete into its (now unused)
 * memory. */
void rpc_partition_stopped(struct partition *p);

/* Forgets all state (host tests and the fuzzer). */
void rpc_reset(void);

#endif
