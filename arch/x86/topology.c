/* CPU topology from CPUID leaf 0BH (arch/x86/topology.h). */
#include "arch/x86/topology.h"

#include "arch/x86/cpu.h"

#define LEAF_TOPOLOGY 0xB
#define LEVEL_TYPE_SMT 1

uint32_t topology_smt_shift(void)
{
    if (cpuid(0, 0).eax < LEAF_TOPOLOGY)
        return 0;
    struct cpuid_regs r = cpuid(LEAF_TOPOLOGY, 0);
    if (((r.ecx >> 8) & 0xFF) != LEVEL_TYPE_SMT)
        return 0;
    return r.eax & 0x1F;
}
