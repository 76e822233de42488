/* The xAPIC register page at 0xFEE00000, emulated for a guest whose APIC
 * is in xAPIC mode (vmx/apic_mode_vcpu.c): each access exits (EPT maps
 * nothing there) and is done on the physical LAPIC's x2APIC MSR of the
 * same register, under the same IPI and LVT rules as the guest's own
 * WRMSRs in x2APIC mode (vmx/apic_ipi.c, vmx/lvt_check.c). */
#ifndef VMX_XAPIC_EMUL_H
#define VMX_XAPIC_EMUL_H

#include "vmx/vcpu.h"

/* Whether gpa lies in the APIC register page; *offset is then its offset
 * in the page. */
bool xapic_emul_claims(const struct partition *p, uint64_t gpa, uint64_t *offset);

/* One decoded access at `offset` of the page, by the vCPU on this CPU. In
 * xAPIC mode: a 32-bit access at a register (SDM Vol. 3A 11.4.1) does what
 * the register does; narrower reads give its bytes; other writes are
 * ignored. In x2APIC or disabled mode: reads give all ones, writes are
 * ignored (SDM 11.12.1.2, and what Bochs shows). A refused IPI or LVT
 * setting stops the partition, as through the MSRs. */
void xapic_emulate(struct vcpu *v, uint64_t offset, const struct mmio_insn *m);

#endif
