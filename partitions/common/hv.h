/* Hypercalls (include/hv_abi.h) and "are we under the hypervisor". */
#ifndef GUEST_HV_H
#define GUEST_HV_H

#include "include/hv_abi.h"

/* Present = CPUID.1:ECX bit 31 set AND a probing VMCALL HC_NULL returns 0
 * without #UD. The bit alone is not enough: QEMU's TCG sets it, where
 * VMCALL raises #UD, and other hypervisors answer VMCALL differently.
 * Needs idt_init() first (the probe recovers through the IDT). Returns
 * hv_present(). */
int hv_detect(void);
int hv_present(void);

/* VMCALL: EAX = op, EBX/ECX/EDX/ESI = a1..a4; returns EAX. HV_ENOSYS,
 * unsent, when no hypervisor is present. */
int32_t hc(uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);

/* HC_PARTITION_INFO into *info; returns its result (size or HV_E*). */
int32_t hc_partition_info(struct hv_partition_info *info);

#endif
