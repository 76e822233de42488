/* Guest writes to the x2APIC ICR (IPIs), validated against the
 * partition's own CPUs before a real IPI is sent. */
#ifndef VMX_APIC_IPI_H
#define VMX_APIC_IPI_H

#include "vmx/vcpu.h"

/* Delivers a guest's ICR write to the targets apic_ipi_plan() finds
 * among the partition's own CPUs: fixed IPIs as real ones, NMIs through
 * nmi_queue_for_guest(), INIT and SIPI emulated (below). Returns false
 * when the write gets #GP instead (reserved bits, or the CPU refused the
 * IPI); stops the partition when the write is refused. */
bool apic_ipi_from_guest(struct vcpu *v, uint64_t icr);

/* INIT and SIPI among the partition's own CPUs are emulated: a real INIT
 * stays pending in VMX operation on some implementations (Bochs re-delivers
 * it after every SIPI). An INIT to a running sibling becomes a request
 * plus an NMI; its NMI exit takes the request and parks it. A SIPI goes
 * as a real SIPI to a parked sibling (SIPI exit), or is kept for one whose
 * CPU has not entered yet. */
bool apic_ipi_take_init(struct vcpu *v);
void apic_ipi_started(struct vcpu *v);

enum ipi_verdict {
    IPI_SEND,   /* deliver to plan.targets (possibly none) */
    IPI_GP,     /* reserved bits: #GP, as the x2APIC gives */
    IPI_REFUSE, /* SMI, reserved mode, INIT/SIPI to self, a foreign target: stop */
};

struct ipi_plan {
    enum ipi_verdict verdict;
    const char *why;      /* IPI_GP, IPI_REFUSE */
    uint32_t bad_apic_id; /* IPI_REFUSE: the foreign target (else the ICR's destination) */
    uint32_t delivery;    /* delivery mode to send: lowest priority becomes fixed */
    uint32_t targets;     /* bit k: the partition's CPU k (own_apic_ids[k]) */
};

/* The pure decision (vmx/apic_ipi_check.c) for a write of icr by the
 * partition's CPU self_slot, the partition owning own_apic_ids[0..own_count). */
void apic_ipi_plan(uint64_t icr, const uint32_t *own_apic_ids, uint32_t own_count, uint32_t self_slot,
                   struct ipi_plan *plan);

/* The ICR value that sends icr's vector, level and trigger mode with
 * `delivery` to one CPU by physical destination. */
uint64_t apic_ipi_physical(uint64_t icr, uint32_t delivery, uint32_t apic_id);

#endif
