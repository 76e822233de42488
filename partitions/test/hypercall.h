/* Hypercalls (include/hv_abi.h) and "are we under the hypervisor". */
#ifndef TESTPART_HYPERCALL_H
#define TESTPART_HYPERCALL_H

#include "include/hv_abi.h"

/* Present = CPUID.1:ECX bit 31 set AND a probing VMCALL HC_NULL returns 0
 * without #UD. The bit alone is not enough: QEMU sets it even under TCG,
 * where VMCALL raises #UD. When absent, hc() returns HV_ENOSYS unsent. */
void hv_detect(void);
int hv_present(void);

/* VMCALL: EAX = op, EBX/ECX/EDX/ESI = a1..a4; returns EAX. */
int32_t hc(uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4);

/* HC_PARTITION_INFO into *info; returns its result (size or HV_E*). */
int32_t hc_partition_info(struct hv_partition_info *info);

#endif
