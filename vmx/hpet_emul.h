/* The mediated HPET (configs: CFG_MEM_HPET): its page is mapped
 * read-only, so reads reach the chip directly and every write exits here
 * to be checked (vmx/hpet_policy.c) and made by the hypervisor. */
#ifndef VMX_HPET_EMUL_H
#define VMX_HPET_EMUL_H

#include "vmx/vcpu.h"

/* Whether gpa lies in the partition's mediated HPET region; *offset is
 * then its offset in the HPET page. */
bool hpet_emul_claims(const struct partition *p, uint64_t gpa, uint64_t *offset);

/* One decoded write at `offset` of the HPET page: made if allowed, else
 * the partition stops with the register, the value and the rule. */
void hpet_emulate(struct vcpu *v, uint64_t offset, const struct mmio_insn *m);

#endif
