/* CPU topology: which logical CPUs are SMT siblings of one core (Intel
 * SDM Vol. 3A 9.9.1, CPUID leaf 0BH). Partitions must not share a core:
 * siblings share the L1/L2 caches and the predictors, which one partition
 * could then read or train under the other. */
#ifndef ARCH_X86_TOPOLOGY_H
#define ARCH_X86_TOPOLOGY_H

#include "hv/types.h"

/* Bits of the x2APIC id below the core id: CPUID.(EAX=0BH,ECX=0):EAX[4:0]
 * when sub-leaf 0 describes the SMT level (ECX[15:8] = 1), else 0 (no
 * SMT reported). */
uint32_t topology_smt_shift(void);

/* True when the two APIC ids are threads of one core. */
static inline bool topology_same_core(uint32_t apic_a, uint32_t apic_b, uint32_t smt_shift)
{
    return (apic_a >> smt_shift) == (apic_b >> smt_shift);
}

#endif
