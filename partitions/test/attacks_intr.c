/* Attacks on LVT and ICR interrupt routes, faults taken on its behalf
 * (attack=KIND, see attacks.h):
 *
 * - lvt-smi: first what an OS writes to its LVT registers (Linux's boot
 *   CPU: LINT0 masked ExtINT, LINT1 NMI, perf NMI, error vector), which
 *   must all be taken, then LINT0 := SMI, unmasked, which must stop it.
 * - reserved-bits: x2APIC writes with reserved bits set (ICR bits 13, 16,
 *   17, 20, 31; LVT LINT0 bit 11, LVT error bit 8, LVT timer high half),
 *   each of which a real x2APIC answers with #GP (Intel SDM Vol. 3A
 *   10.12.1.3), and a write to MSR 0x230, a hole in the MTRR range that
 *   the hypervisor ignores writes to: #GP where this CPU has no such MSR.
 * - xapic-ipi-init:ID (with x2apic=keep, in a partition that starts in
 *   xAPIC mode): INIT to APIC id ID through the xAPIC ICR in MMIO
 *   (ICR_HIGH 0xFEE00310, then ICR_LOW 0xFEE00300, which sends): the same
 *   checks as through the x2APIC ICR MSR must stop it for a foreign CPU.
 * - smp-broadcast (with smp=broadcast, which starts the APs by shorthand
 *   INIT/SIPI, see smp.c): an NMI to "all excluding self", which must
 *   reach the partition's other CPUs ("NMI received" printed there). */
#include "partitions/test/attacks.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/lib.h"
#include "partitions/test/idt.h"
#include "partitions/test/tsc.h"

#define MSR_LVT_PERF 0x834
#define MSR_LVT_LINT1 0x836
#define MSR_LVT_ERROR 0x837
#define MSR_MTRR_HOLE 0x230
#define LVT_MASKED (1u << 16)
#define DM_SMI (2u << 8)
#define DM_NMI (4u << 8)
#define DM_EXTINT (7u << 8)
#define ICR_NMI_ASSERT 0x4400u
#define ICR_FIXED_SELF (0xF0u | (1u << 18)) /* vector 0xF0, shorthand self */
#define ICR_ALL_BUT_SELF (3u << 18)

#define XAPIC_ICR_LOW 0xFEE00300u
#define XAPIC_ICR_HIGH 0xFEE00310u
#define ICR_INIT_ASSERT 0x4500u

static int msr_write(const char *spec, const char *what, uint32_t msr, uint64_t value)
{
    int f = wrmsr_safe(msr, value);
    say("attack %s: %s: wrmsr 0x%x = 0x%llx: %s", spec, what, msr, value, f ? "#GP" : "taken");
    return f;
}

static void lvt_smi(const char *spec)
{
    say("attack %s: LVT writes an OS makes, then LINT0 := SMI unmasked", spec);
    gp_set_mode(GP_CONTINUE);
    int faults = msr_write(spec, "LINT0 masked ExtINT", MSR_X2APIC_LVT_LINT0, LVT_MASKED | DM_EXTINT) +
                 msr_write(spec, "LINT1 NMI", MSR_LVT_LINT1, DM_NMI) +
                 msr_write(spec, "perf NMI", MSR_LVT_PERF, DM_NMI | LVT_MASKED) +
                 msr_write(spec, "error vector 0xFE", MSR_LVT_ERROR, 0xFE);
    say("attack %s: OS writes: %d of 4 refused", spec, -faults);
    msr_write(spec, "LINT0 SMI unmasked", MSR_X2APIC_LVT_LINT0, DM_SMI);
    say("attack %s: survived, LINT0 reads 0x%llx", spec, rdmsr(MSR_X2APIC_LVT_LINT0));
}

static void reserved_bits(const char *spec)
{
    static const uint32_t icr_bits[] = {13, 16, 17, 20, 31};
    int faults = 0, n = 0;
    say("attack %s: x2APIC writes with reserved bits set, and a write to a missing MTRR", spec);
    gp_set_mode(GP_CONTINUE);
    for (unsigned i = 0; i < sizeof icr_bits / sizeof icr_bits[0]; i++, n++)
        faults -= msr_write(spec, "ICR fixed to self, reserved bit", MSR_X2APIC_ICR, ICR_FIXED_SELF | (1u << icr_bits[i]));
    faults -= msr_write(spec, "LVT LINT0 masked, bit 11", MSR_X2APIC_LVT_LINT0, LVT_MASKED | (1u << 11)), n++;
    faults -= msr_write(spec, "LVT error masked, bit 8", MSR_LVT_ERROR, LVT_MASKED | (1u << 8)), n++;
    faults -= msr_write(spec, "LVT timer masked, high half", MSR_X2APIC_LVT_TIMER, (1ull << 32) | LVT_MASKED), n++;
    uint64_t v;
    gp_set_mode(GP_QUIET);
    int missing = rdmsr_safe(MSR_MTRR_HOLE, &v);
    gp_set_mode(GP_CONTINUE);
    if (missing) {
        faults -= msr_write(spec, "missing MSR (reads #GP)", MSR_MTRR_HOLE, 0), n++;
    } else {
        say("attack %s: MSR 0x%x exists on this CPU: write not tried", spec, MSR_MTRR_HOLE);
    }
    say("attack %s: survived, %d/%d #GP (refused)", spec, faults, n);
}

static void smp_broadcast(const char *spec)
{
    say("attack %s: NMI to all excluding self (wrmsr 0x%x = 0x%08x)", spec, MSR_X2APIC_ICR,
        ICR_NMI_ASSERT | ICR_ALL_BUT_SELF);
    gp_set_mode(GP_CONTINUE);
    int f = wrmsr_safe(MSR_X2APIC_ICR, ICR_NMI_ASSERT | ICR_ALL_BUT_SELF);
    tsc_wait_until(rdtsc() + tsc_ticks_ms(20)); /* time for the others to print */
    say("attack %s: survived, %s", spec, f ? "#GP (refused)" : "no fault");
}

static void xapic_ipi_init(const char *spec, uint32_t apic_id)
{
    say("attack %s: INIT to APIC id %u through the xAPIC ICR (MMIO 0x%x, 0x%x)", spec, apic_id, XAPIC_ICR_HIGH,
        XAPIC_ICR_LOW);
    *(volatile uint32_t *)XAPIC_ICR_HIGH = apic_id << 24;
    *(volatile uint32_t *)XAPIC_ICR_LOW = ICR_INIT_ASSERT;
    tsc_wait_until(rdtsc() + tsc_ticks_ms(20));
    say("attack %s: survived, INIT sent", spec);
}

int attack_intr_run(const struct attack_args *a)
{
    uint64_t id = 0;
    if (kstreq(a->kind, "xapic-ipi-init") && a->nargs == 1 && !parse_u64(a->arg[0], 10, &id) && id < 256)
        xapic_ipi_init(a->spec, (uint32_t)id);
    else if (kstreq(a->kind, "lvt-smi"))
        lvt_smi(a->spec);
    else if (kstreq(a->kind, "reserved-bits"))
        reserved_bits(a->spec);
    else if (kstreq(a->kind, "smp-broadcast"))
        smp_broadcast(a->spec);
    else
        return 0;
    return 1;
}
