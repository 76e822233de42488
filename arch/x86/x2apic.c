/* x2APIC access. Bochs cannot re-enable a local APIC once it was disabled
 * through IA32_APIC_BASE, and neither should we: we only ever set bits. */
#include "arch/x86/x2apic.h"

#include "arch/x86/cpu.h"

#define MSR_APIC_BASE 0x1B
#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ull << 11)

#define MSR_X2APIC_ID 0x802
#define MSR_X2APIC_SVR 0x80F
#define MSR_X2APIC_ICR 0x830
#define MSR_X2APIC_LVT_TIMER 0x832
#define MSR_X2APIC_LVT_LINT0 0x835
#define MSR_X2APIC_LVT_LINT1 0x836
#define MSR_X2APIC_LVT_ERROR 0x837

#define SVR_ENABLE (1u << 8)
#define SPURIOUS_VECTOR 0xFF
#define LVT_MASKED (1u << 16)

/* ICR fields, SDM Vol. 3A 10.6.1. */
#define ICR_DM_NMI (4u << 8)
#define ICR_DM_INIT (5u << 8)
#define ICR_DM_STARTUP (6u << 8)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_ALL_BUT_SELF (3u << 18)

int x2apic_enable(void)
{
    if (!(cpuid(1, 0).ecx & CPUID1_ECX_X2APIC))
        return -E_NOTSUP;
    uint64_t base = rdmsr(MSR_APIC_BASE);
    /* xAPIC -> x2APIC must pass through enabled xAPIC (SDM 10.12.5). */
    if (!(base & APIC_BASE_EN))
        wrmsr(MSR_APIC_BASE, base |= APIC_BASE_EN);
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
    wrmsr(MSR_X2APIC_LVT_TIMER, LVT_MASKED);
    wrmsr(MSR_X2APIC_LVT_LINT0, LVT_MASKED);
    wrmsr(MSR_X2APIC_LVT_LINT1, LVT_MASKED);
    wrmsr(MSR_X2APIC_LVT_ERROR, LVT_MASKED);
    wrmsr(MSR_X2APIC_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
    return 0;
}

bool x2apic_is_enabled(void)
{
    uint64_t need = APIC_BASE_EN | APIC_BASE_EXTD;
    return (rdmsr(MSR_APIC_BASE) & need) == need;
}

uint32_t x2apic_id(void) { return (uint32_t)rdmsr(MSR_X2APIC_ID); }

static void send_icr(uint32_t dest, uint32_t low) { wrmsr(MSR_X2APIC_ICR, ((uint64_t)dest << 32) | low); }

void x2apic_send_init(uint32_t apic_id) { send_icr(apic_id, ICR_DM_INIT | ICR_LEVEL_ASSERT); }

void x2apic_send_sipi(uint32_t apic_id, uint8_t vector)
{
    send_icr(apic_id, ICR_DM_STARTUP | ICR_LEVEL_ASSERT | vector);
}

void x2apic_send_nmi_all_but_self(void) { send_icr(0, ICR_DM_NMI | ICR_LEVEL_ASSERT | ICR_ALL_BUT_SELF); }

void x2apic_send_nmi(uint32_t apic_id) { send_icr(apic_id, ICR_DM_NMI | ICR_LEVEL_ASSERT); }
