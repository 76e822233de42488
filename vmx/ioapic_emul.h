/* Emulation of a partition's access to the shared IOAPIC: it may read the
 * chip's identity and program only the redirection entries of the pins
 * the config gives it, aimed only at its own CPUs. */
#ifndef VMX_IOAPIC_EMUL_H
#define VMX_IOAPIC_EMUL_H

#include "vmx/vcpu.h"

/* offset: within the IOAPIC page; m: the decoded instruction. Stops the
 * partition when the access is refused. */
void ioapic_emulate(struct vcpu *v, uint32_t offset, const struct mmio_insn *m);

#endif
