/* VMCS helpers inside the VT-x layer (vmx/vmcs_setup.c). */
#ifndef VMX_VMCS_H
#define VMX_VMCS_H

#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

void vmcs_write_guest_cr(uint64_t cr0, uint64_t cr4);
void vmcs_enter_protected32(struct vcpu *v, const struct guest_entry *e);
void vmcs_enter_long64(struct vcpu *v, const struct guest_entry *e);
void vmcs_enter_sipi(uint8_t vector);
void vmcs_enter_wait_for_sipi(void);
void vmcs_set_ia32e_mode(struct vcpu *v, bool on);

/* The IA-32e mode entry control must equal the guest's EFER.LMA, which
 * the guest changes without an exit when it enables paging (SDM Vol. 3C
 * 26.3.1.1): checked before every entry, one VMREAD (the control's value
 * is cached in the vCPU). */
static inline void vmcs_sync_long_mode(struct vcpu *v)
{
    bool lma = (vmread(VMCS_GUEST_EFER) >> 10) & 1;
    if (lma != v->entry_ia32e)
        vmcs_set_ia32e_mode(v, lma);
}
uint32_t vmx_vmcs_revision(void);

#endif
