/* Helpers shared by the VM-exit handlers (vmx/exit_*.c). */
#ifndef VMX_EXIT_H
#define VMX_EXIT_H

#include "hv/partition.h"
#include "vmx/vcpu.h"

/* Handlers return to resume the guest; a handler that stops the
 * partition does not return. */
typedef void (*exit_handler_fn)(struct vcpu *v, uint64_t qualification);

void vmx_advance_rip(void);
void vmx_inject_gp(void);
void vmx_inject_ud(void);
void vmx_inject_nmi(void);

void exit_cpuid(struct vcpu *v, uint64_t q);
void exit_rdmsr(struct vcpu *v, uint64_t q);
void exit_wrmsr(struct vcpu *v, uint64_t q);
void exit_io(struct vcpu *v, uint64_t q);
void exit_cr_access(struct vcpu *v, uint64_t q);
void exit_xsetbv(struct vcpu *v, uint64_t q);
void exit_ept_violation(struct vcpu *v, uint64_t q);

const char *vmx_exit_reason_name(uint32_t reason);

#endif
