/* x2APIC probe; see apic.h. */
#include "partitions/test/apic.h"
#include "partitions/common/cpu.h"
#include "partitions/test/idt.h"

void x2apic_probe(struct x2apic_info *xi, int keep)
{
    *xi = (struct x2apic_info){0};
    xi->supported = (cpuid(1, 0).ecx & CPUID1_ECX_X2APIC) != 0;
    if (!xi->supported)
        return;
    gp_set_mode(GP_QUIET);
    uint64_t base, id;
    /* xAPIC -> x2APIC is the only legal switch (SDM Vol. 3A 11.12.5);
     * from disabled it would #GP, so leave a disabled APIC alone. */
    if (!keep && !rdmsr_safe(MSR_APIC_BASE, &base) && (base & APIC_BASE_EN) && !(base & APIC_BASE_EXTD))
        xi->enabled_by_us = !wrmsr_safe(MSR_APIC_BASE, base | APIC_BASE_EXTD);
    if (!rdmsr_safe(MSR_X2APIC_ID, &id)) {
        xi->id_ok = 1;
        xi->id = (uint32_t)id;
    }
    gp_set_mode(GP_HALT);
}
