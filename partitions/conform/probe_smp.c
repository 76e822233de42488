/* SMP bring-up (probe group 6), as kernels do it at boot (SDM Vol. 3A
 * 9.4.4.1): INIT, then two SIPIs, each broadcast with the "all excluding
 * self" shorthand, through the ICR of whatever mode the LAPIC is in
 * (xAPIC MMIO or x2APIC MSR 0x830). The APs run smp_trampoline.S (real
 * mode, then protected mode) and check in; the boot CPU prints what
 * they found ("smp.cpus_up N" counts itself), so the output order does
 * not depend on AP timing. With one CPU the broadcast reaches nobody
 * and the boot CPU carries on. */
#include "partitions/common/cpu.h"
#include "partitions/common/idt.h"
#include "partitions/common/lib.h"
#include "partitions/conform/conform.h"
#include "partitions/conform/smp.h"

#define APIC_BASE_BSP (1u << 8)
#define XAPIC_ICR_LO 0x300
#define XAPIC_ICR_HI 0x310
#define ICR_ALL_EXCLUDING_SELF (3u << 18)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_PENDING (1u << 12)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)

struct ap_report {
    uint32_t apic_id;
    uint32_t apic_base;
};

extern const char smp_tramp_start[], smp_tramp_end[];
extern const char smp_tramp_cr0_offset[], smp_tramp_cs_offset[]; /* absolute symbols: offsets */
extern volatile uint32_t smp_ap_next;
void smp_ap_main(uint32_t index);

static struct ap_report reports[SMP_MAX_APS];
static volatile uint32_t aps_checked_in;

/* Runs on each AP with its own stack, interrupts off. No conf() here:
 * the boot CPU prints, in a fixed order. */
void smp_ap_main(uint32_t index)
{
    idt_load(); /* an exception here is reported (fatal), not a triple fault */
    reports[index].apic_id = cpuid(1, 0).ebx >> 24;
    reports[index].apic_base = (uint32_t)rdmsr(MSR_APIC_BASE);
    __atomic_fetch_add(&aps_checked_in, 1, __ATOMIC_RELEASE);
}

/* TSC ticks per microsecond: CPUID 0x16's base frequency (a partition
 * gets the true rate there; bare Bochs claims 3.5 GHz, which only makes
 * the waits longer), 3 GHz if the leaf is missing. */
static uint64_t ticks_per_us(void)
{
    if (conf_cpuid(0, 0).eax >= 0x16 && conf_cpuid(0x16, 0).eax)
        return conf_cpuid(0x16, 0).eax;
    return 3000;
}

static void delay_us(uint32_t us) { tsc_wait_until(rdtsc() + us * ticks_per_us()); }

static int x2apic_mode;
static uint32_t xapic_base;

static void send_ipi(uint32_t icr)
{
    if (x2apic_mode) {
        wrmsr(MSR_X2APIC_ICR, icr); /* destination ignored with a shorthand */
        return;
    }
    mmio_write32(xapic_base + XAPIC_ICR_HI, 0);
    mmio_write32(xapic_base + XAPIC_ICR_LO, icr);
    uint64_t give_up = rdtsc() + 1000 * ticks_per_us();
    while ((mmio_read32(xapic_base + XAPIC_ICR_LO) & ICR_PENDING) && (int64_t)(rdtsc() - give_up) < 0)
        cpu_relax();
}

/* Waits until `want` APs checked in, or `ms` passed. */
static void wait_for_aps(uint32_t want, uint32_t ms)
{
    uint64_t end = rdtsc() + (uint64_t)ms * 1000 * ticks_per_us();
    while (__atomic_load_n(&aps_checked_in, __ATOMIC_ACQUIRE) < want && (int64_t)(rdtsc() - end) < 0)
        cpu_relax();
}

static void print_aps(uint32_t up)
{
    const volatile uint8_t *tramp = (const volatile uint8_t *)SMP_TRAMPOLINE;
    conf("smp.cpus_up", "%u", up + 1);
    conf("smp.aps_started", "%u", smp_ap_next);
    if (!up)
        return;
    /* What the (last) AP found at its SIPI: CR0 after INIT (SDM Vol. 3A
     * table 9-1) and CS = vector << 8. */
    conf("smp.ap.cr0_at_sipi", "0x%x", *(const volatile uint32_t *)(tramp + (uint32_t)smp_tramp_cr0_offset));
    conf("smp.ap.cs_at_sipi", "0x%x", *(const volatile uint16_t *)(tramp + (uint32_t)smp_tramp_cs_offset));
    uint32_t distinct = 1;
    uint32_t boot_id = cpuid(1, 0).ebx >> 24;
    for (uint32_t i = 0; i < up && i < SMP_MAX_APS; i++) {
        int seen = reports[i].apic_id == boot_id;
        for (uint32_t j = 0; j < i; j++)
            seen |= reports[j].apic_id == reports[i].apic_id;
        distinct += !seen;
        if (reports[i].apic_base & APIC_BASE_BSP)
            conf("smp.ap.bsp_flag", "set");
    }
    conf("smp.apic_ids_distinct", "%u", distinct);
    conf("smp.ap.apic_mode", "%s",
         (reports[0].apic_base & APIC_BASE_EXTD) ? "x2apic" : (reports[0].apic_base & APIC_BASE_EN) ? "xapic"
                                                                                                 : "disabled");
}

void probe_smp(void)
{
    uint64_t base;
    if (conf_rdmsr(MSR_APIC_BASE, &base)) {
        conf("smp.apic_base", "unreadable");
        return;
    }
    x2apic_mode = (base & APIC_BASE_EXTD) != 0;
    xapic_base = (uint32_t)base & 0xFFFFF000u;
    conf("smp.bsp.apic_mode", "%s", x2apic_mode ? "x2apic" : (base & APIC_BASE_EN) ? "xapic" : "disabled");
    conf("smp.bsp.bsp_flag", "%s", (base & APIC_BASE_BSP) ? "set" : "clear");
    /* The CPUs the machine (or partition) says it has: leaf 0xB level 1
     * (SDM Vol. 2A CPUID), what kernels without ACPI go by. */
    uint32_t expected = conf_cpuid(0, 0).eax >= 0xB ? (conf_cpuid(0xB, 1).ebx & 0xFFFF) : 0;
    conf("smp.cpuid_b.logical_cpus", "%u", expected);

    memcpy((void *)SMP_TRAMPOLINE, smp_tramp_start, (size_t)(smp_tramp_end - smp_tramp_start));
    send_ipi(ICR_ALL_EXCLUDING_SELF | ICR_LEVEL_ASSERT | ICR_INIT);
    delay_us(10000);
    for (int i = 0; i < 2; i++) {
        send_ipi(ICR_ALL_EXCLUDING_SELF | ICR_LEVEL_ASSERT | ICR_STARTUP | (SMP_TRAMPOLINE >> 12));
        delay_us(200);
    }
    /* All that CPUID promised, or a grace period to show nobody else
     * comes (one CPU: the broadcast reached nobody). */
    wait_for_aps(expected > 1 ? expected - 1 : SMP_MAX_APS, expected > 1 ? 1000 : 20);
    print_aps(__atomic_load_n(&aps_checked_in, __ATOMIC_ACQUIRE));
    conf("smp.boot_cpu_after_broadcast", "ok");
}
