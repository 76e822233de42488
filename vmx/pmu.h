/* The architectural PMU a partition gets (Intel SDM Vol. 3B 20.2): its
 * own CPU's core counters, passed through by vmx/msr_policy.c (PMCs,
 * event selects, fixed counters and their control, global control and
 * status), so counting costs no exit. PEBS, the debug store, LBRs,
 * off-core response and uncore counters are refused and hidden
 * (vmx/cpuid_policy.c); IA32_PERF_CAPABILITIES is emulated read-only.
 * No VMCS knowledge here: the core may call pmu_clear_this_cpu. */
#ifndef VMX_PMU_H
#define VMX_PMU_H

#include "hv/types.h"

/* From each CPU as it sets up its vCPU: the first caller probes the
 * PMU once (the CPUs are alike) and logs one line, the others wait for
 * that; then this CPU's counters are cleared, so a partition starts with
 * nothing left from firmware or the hypervisor's boot. */
void pmu_vcpu_start(void);

/* Stops and clears this CPU's counters (global control, event selects,
 * fixed-counter control, counters, overflow status), as a partition stops
 * on it: nothing it programmed counts on or raises a PMI. */
void pmu_clear_this_cpu(void);

/* CPUID_COND_PMU and CPUID_COND_PDCM as the probe found them. */
uint32_t pmu_cpuid_conditions(void);

/* A partition's RDMSR of IA32_PERF_CAPABILITIES: the CPU's value with
 * only what the partition gets (cpuid_perf_capabilities_shown). False
 * when PDCM is hidden: the read then raises #GP, as without PDCM. */
bool pmu_read_perf_capabilities(uint64_t *value);

#endif
