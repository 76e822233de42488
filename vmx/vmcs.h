/* VMCS helpers inside the VT-x layer (vmx/vmcs_setup.c). */
#ifndef VMX_VMCS_H
#define VMX_VMCS_H

#include "vmx/vcpu.h"

void vmcs_write_guest_cr(uint64_t cr0, uint64_t cr4);
void vmcs_enter_protected32(struct vcpu *v, const struct guest_entry *e);
void vmcs_enter_long64(struct vcpu *v, const struct guest_entry *e);
void vmcs_enter_sipi(uint8_t vector);
void vmcs_enter_wait_for_sipi(void);
void vmcs_sync_long_mode(void);
uint32_t vmx_vmcs_revision(void);

#endif
