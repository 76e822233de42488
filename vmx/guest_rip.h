/* What the hypervisor does to RIP and RFLAGS when it completes a guest
 * instruction or injects an exception, so that the guest sees what the
 * CPU itself would have done. Pure and host-tested
 * (tests/unit/test_guest_rip.c); vmx/exit.c applies it to the VMCS. */
#ifndef VMX_GUEST_RIP_H
#define VMX_GUEST_RIP_H

#include "hv/types.h"

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_RF (1ull << 16)
#define DEBUGCTL_BTF (1ull << 1)
#define PENDING_DBG_BS (1ull << 14) /* single step (SDM Vol. 3C 25.4.2, table 25-4) */
#define VMCS_GUEST_DEBUGCTL 0x2802

/* RIP after an instruction of length bytes at rip. Outside 64-bit mode
 * EIP is a 32-bit register and wraps at 4 GiB (SDM Vol. 1 3.5; VM entry
 * would refuse RIP bits 63:32 set, Vol. 3C 27.3.1.4). A 16-bit code
 * segment does not wrap at 64 KiB: the next fetch beyond its limit is a
 * #GP (Vol. 3A 5.3, limit checking; real mode likewise), which the CPU
 * raises itself. */
uint64_t guest_rip_after(uint64_t rip, uint64_t length, bool long64);

/* Exceptions of the fault class (SDM Vol. 3A 6.5, table 6-1): #DE, #BR,
 * #UD, #NM, #TS, #NP, #SS, #GP, #PF, #MF, #AC, #XM, #VE, #CP. #DB is a
 * fault or a trap depending on its cause: not counted. */
bool exception_is_fault(uint32_t vector);

/* RFLAGS to set before injecting the event `intr_info` (VM-entry
 * interruption-information format): a fault pushes RF = 1 so that the
 * faulting instruction's breakpoint does not fire again when the handler
 * returns to it (SDM Vol. 3A 6.13, 17.3.1.1); VM entry leaves RF as the
 * guest-state field has it (Vol. 3C 27.6.1.2). */
uint64_t rflags_for_injected_event(uint64_t rflags, uint32_t intr_info);

/* After an instruction completes the CPU clears RF (17.3.1.1), and with
 * TF set (and DEBUGCTL.BTF clear: single-step on branches only, which
 * the instructions the hypervisor completes are not) it takes a
 * single-step #DB (17.3.1.4). single_step: whether to make that #DB
 * pending (the BS bit of the pending debug exceptions, delivered right
 * after VM entry, Vol. 3C 27.7.3). */
uint64_t rflags_after_instruction(uint64_t rflags, uint64_t debugctl, bool *single_step);

/* VMCS side (vmx/exit.c): completes the current guest instruction as if
 * it were `length` bytes long (vmx_advance_rip takes the exit's length;
 * an emulated MMIO access its decoded one). */
void vmx_advance_rip_by(uint64_t length);

#endif
