/* Host fakes for the VMRPC layer (rpc/): rpc/rpc_arch.h with a clock that
 * advances on every reading and every relax step, IPIs recorded, a
 * controllable pending interrupt and a hook run at each relax step (a
 * "second CPU" acting while a hypercall waits); and a few partitions,
 * each with one guest RAM region backed by a host buffer between two
 * guard areas (poisoned under ASan, checked by fake_guards_ok).
 * Shared by tests/unit/test_rpc*.c and tests/fuzz/fuzz_rpc.c. */
#ifndef TESTS_UNIT_RPC_FAKE_H
#define TESTS_UNIT_RPC_FAKE_H

#include "rpc/rpc_internal.h"

#define FAKE_MAX_PARTS 4
#define FAKE_RAM_BASE 0x100000ull /* guest-physical base of every partition's RAM */
#define FAKE_GUARD 4096           /* guard bytes each side of a RAM buffer */
#define FAKE_GUARD_BYTE 0xA5
#define FAKE_APIC(part) (10u + (part)) /* the APIC id each partition calls from */
#define FAKE_MAX_IPIS 256

/* Sets up n partitions (ids 0..n-1, state PART_RUNNING) with cfgs[i] and
 * ram_bytes of zeroed RAM each at FAKE_RAM_BASE, resets rpc/ (rpc_reset)
 * and the fake CPU. */
void fake_init(const struct cfg_partition *const *cfgs, uint32_t n, uint64_t ram_bytes);
/* True when no byte of any guard area changed since fake_init. */
bool fake_guards_ok(void);

/* Host pointer to guest address gpa of partition part (checked). */
void *fake_ram(uint32_t part, uint64_t gpa);
uint64_t fake_ram_bytes(void);
uint8_t *fake_ram_host(uint32_t part); /* the whole RAM */

/* A hypercall made by partition part from its CPU FAKE_APIC(part). */
int64_t fake_hc(uint32_t part, uint32_t op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
extern uint64_t fake_wait_ticks[FAKE_MAX_PARTS];
extern uint32_t fake_nmi_pending[FAKE_MAX_PARTS]; /* NMIs queued for each partition's guest */

/* The fake CPU. */
struct fake_ipi {
    uint32_t apic;
    uint8_t vector;
};
extern struct fake_ipi fake_ipis[FAKE_MAX_IPIS];
extern uint32_t fake_ipi_count;     /* may exceed FAKE_MAX_IPIS: only the first are kept */
extern uint64_t fake_tsc;           /* advanced by fake_tsc_step at each rpc_arch_now and relax */
extern uint64_t fake_tsc_step;
extern bool fake_irq;               /* rpc_arch_irq_pending() */
extern uint64_t fake_relaxes;       /* relax steps since fake_init */
extern uint64_t fake_irq_at_relax;  /* non-zero: fake_irq becomes true at this relax count */
extern uint64_t fake_relax_limit;   /* relax steps after which the process aborts (a wait that never ends) */
extern void (*fake_relax_hook)(void *ctx);
extern void *fake_relax_ctx;
#define FAKE_TICKS_PER_US 1

#endif
