/* Guest writes to the x2APIC ICR (IPIs), validated against the
 * partition's own CPUs before a real IPI is sent. */
#ifndef VMX_APIC_IPI_H
#define VMX_APIC_IPI_H

#include "vmx/vcpu.h"

/* Sends the IPI when every target belongs to the partition and the
 * delivery mode is allowed; otherwise stops the partition with the
 * reason. Pure decision logic is in apic_ipi_check(). */
void apic_ipi_from_guest(struct vcpu *v, uint64_t icr);

/* INIT and SIPI among the partition's own CPUs are emulated: a real INIT
 * stays pending in VMX operation on some implementations (Bochs re-delivers
 * it after every SIPI). An INIT to a running sibling becomes a request
 * plus an NMI; its NMI exit takes the request and parks it. A SIPI goes
 * as a real SIPI to a parked sibling (SIPI exit), or is kept for one whose
 * CPU has not entered yet. */
bool apic_ipi_take_init(struct vcpu *v);
void apic_ipi_parked(struct vcpu *v);
void apic_ipi_started(struct vcpu *v);

/* Returns NULL when allowed, else the reason. owns(apic_id) tells whether
 * the partition owns an APIC id; all_cpus whether it owns every CPU. */
const char *apic_ipi_check(uint64_t icr, bool (*owns)(const void *ctx, uint32_t apic_id), const void *ctx,
                           bool all_cpus, uint32_t *bad_apic_id);

#endif
