/* Hypervisor awareness, for reporting only: the RTOS runs the same way
 * with or without it. ABI: include/hv_abi.h. */
#ifndef RTOS_X86_HV_H
#define RTOS_X86_HV_H

#include "include/hv_abi.h"

/* Present = CPUID.1:ECX bit 31 set AND a probing VMCALL HC_NULL returns 0
 * without #UD (the bit alone is not enough: QEMU's TCG sets it, and other
 * hypervisors answer VMCALL differently). Needs idt_init() first. */
int hv_detect(void);
int hv_present(void);

/* VMCALL: EAX = op, EBX/ECX/EDX/ESI = a1..a4; returns EAX. HV_ENOSYS,
 * unsent, when no hypervisor is present. */
int32_t hc(uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);

/* HC_EXIT_STATS for this CPU: its `total` into *total. Each call is
 * itself one exit, counted before the copy is made (vmx/exit.c). */
int hv_exit_total(uint64_t *total);

#endif
