/* The guest's APIC mode on one vCPU (vmx/apic_mode.h has the rules): what
 * IA32_APIC_BASE reads and writes do, which MSRs exit, and what the
 * physical LAPIC (always in x2APIC mode) is made to look like when the
 * guest disables its APIC. */
#ifndef VMX_APIC_MODE_VCPU_H
#define VMX_APIC_MODE_VCPU_H

#include "vmx/apic_mode.h"
#include "vmx/vcpu.h"

/* The vCPU's starting mode, from its partition's lapic_mode: called by
 * vcpu_init once the vCPU has its own MSR bitmap. Resets the virtual
 * xAPIC registers too, so nothing of a previous run carries over. */
void vapic_init(struct vcpu *v);

/* IA32_APIC_BASE as the guest reads it. */
uint64_t vapic_read_base(const struct vcpu *v);

/* A guest WRMSR to IA32_APIC_BASE: applies a legal transition (and
 * returns true), or returns false with *why for the #GP it raises. */
bool vapic_write_base(struct vcpu *v, uint64_t value, const char **why);

/* Whether RDMSR/WRMSR of msr raises #GP because of the guest's mode
 * (x2APIC MSRs outside x2APIC mode). */
static inline bool vapic_msr_faults(const struct vcpu *v, uint32_t msr)
{
    return apic_mode_msr_faults((enum apic_mode)v->apic_mode, msr);
}

#endif
