/* The x86 side of rpc/rpc_arch.h: x2APIC IPIs and IRR, the TSC. */
#include "rpc/rpc_arch.h"

#include "arch/x86/cpu.h"
#include "arch/x86/platform.h"

#define MSR_X2APIC_ICR 0x830
#define MSR_X2APIC_IRR0 0x820 /* IRR bits 0-31; 0x821..0x827 the rest (SDM Vol. 3A 11.12.1.2) */

/* Fixed delivery, physical destination, edge (SDM Vol. 3A 11.12.9). */
void rpc_arch_send_ipi(uint32_t apic_id, uint8_t vector) { wrmsr(MSR_X2APIC_ICR, (uint64_t)apic_id << 32 | vector); }

/* Partitions' interrupts reach their CPUs without exiting (no
 * external-interrupt exiting); while this CPU is in root mode with
 * interrupts off they wait in its IRR, and all of them are the guest's:
 * the hypervisor itself uses only NMIs. */
bool rpc_arch_irq_pending(void)
{
    for (uint32_t i = 1; i < 8; i++) /* vectors 0-31 are exceptions, never requested */
        if (rdmsr(MSR_X2APIC_IRR0 + i))
            return true;
    return false;
}

uint64_t rpc_arch_now(void) { return rdtsc(); }

uint64_t rpc_arch_ticks_per_us(void)
{
    static uint64_t per_us;
    if (!per_us)
        per_us = platform.tsc_hz / 1000000 ? platform.tsc_hz / 1000000 : 1;
    return per_us;
}

void rpc_arch_relax(void) { cpu_relax(); }
