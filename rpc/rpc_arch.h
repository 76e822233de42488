/* What the VMRPC layer needs from the CPU: the seam between rpc/ and
 * arch/x86/rpc_arch.c (the host tests and the fuzzer link fakes). */
#ifndef RPC_RPC_ARCH_H
#define RPC_RPC_ARCH_H

#include "hv/types.h"

/* A fixed interrupt with `vector` to the CPU with that APIC id, which
 * takes it in the guest through its own LAPIC (no exit there). */
void rpc_arch_send_ipi(uint32_t apic_id, uint8_t vector);
/* True when an interrupt waits in this CPU's LAPIC for its guest: a
 * waiting hypercall then returns HV_EINTR so that the guest takes it. */
bool rpc_arch_irq_pending(void);
uint64_t rpc_arch_now(void);          /* TSC */
uint64_t rpc_arch_ticks_per_us(void); /* TSC rate */
void rpc_arch_relax(void);            /* one step of a busy wait */

#endif
