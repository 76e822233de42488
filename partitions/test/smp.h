/* smp: the boot CPU starts the partition's other CPUs the way an OS does,
 * INIT-SIPI-SIPI (Intel SDM Vol. 3A 9.4.4.1), and each reports in. */
#ifndef TESTPART_SMP_H
#define TESTPART_SMP_H

/* Shared with ap_trampoline.S. The trampoline page must be below 1 MiB,
 * 4 KiB aligned (SIPI vector = page number) and free under both loaders:
 * the hypervisor's multiboot info fills 0x1000-0x8FFF and QEMU's
 * multiboot loader puts its own at 0x9000, so not there. */
#define SMP_TRAMPOLINE 0x70000
#define SMP_MAX_APS 16
#define SMP_AP_STACK_SHIFT 12 /* 4 KiB per AP */

#ifndef __ASSEMBLER__
#include "include/hv_abi.h"
#include "partitions/test/options.h"

/* info: the partition info, or NULL on bare metal (APIC ids are then
 * guessed, see README.md). Prints the "smp:" lines and returns once every
 * other CPU has checked in or timed out; those that did run on, printing
 * heartbeats if o asks for them. */
void smp_start(const struct options *o, const struct hv_partition_info *info);

/* 0 on the boot CPU, 1 + its stack slot on an AP (told by the stack
 * pointer: no per-CPU state to set up, works in exception handlers). */
int smp_cpu_index(void);

/* CPUs running this kernel: 1 + the APs that checked in (1 without smp). */
uint32_t smp_cpus_up(void);
#endif

#endif
