/* smp: starting the other CPUs; see smp.h. IPIs go through the x2APIC ICR
 * MSR when the boot CPU's APIC is in x2APIC mode (always so under the
 * hypervisor), else through the xAPIC ICR in MMIO (QEMU TCG bare). */
#include "partitions/test/smp.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/lib.h"
#include "partitions/test/idt.h"
#include "partitions/test/tsc.h"

#define XAPIC_ID 0xFEE00020u
#define XAPIC_ICR_LO 0xFEE00300u
#define XAPIC_ICR_HI 0xFEE00310u
#define ICR_BUSY (1u << 12)  /* xAPIC delivery status: send pending */
#define ICR_INIT 0x4500u     /* INIT, assert, edge, physical */
#define ICR_SIPI 0x4600u     /* start-up; OR in the vector */
#define SIPI_VECTOR (SMP_TRAMPOLINE >> 12)
#define ICR_ALL_BUT_SELF (3u << 18) /* destination shorthand */
#define CPUID1_EDX_HTT (1u << 28)
#define NONE 0xFFFFFFFFu

extern const uint8_t ap_tramp_start[], ap_tramp_gdtr[], ap_tramp_end[];
void ap_main(void);

/* Claimed by ap_trampoline.S, one slot per AP that runs. */
uint8_t ap_stacks[SMP_MAX_APS][1u << SMP_AP_STACK_SHIFT] __attribute__((aligned(16)));
volatile uint32_t ap_stack_next;

/* Written by the boot CPU before the first IPI, read-only to APs after. */
static const struct options *opt;
static uint32_t target[HV_MAX_PARTITION_CPUS]; /* APIC ids of the other CPUs */
static uint32_t ntargets;
static int x2apic;

static volatile uint32_t starting = NONE;         /* index being started */
static volatile uint32_t up[HV_MAX_PARTITION_CPUS]; /* set by each AP */

int smp_cpu_index(void)
{
    uint32_t sp;
    __asm__ __volatile__("movl %%esp, %0" : "=r"(sp));
    uint32_t off = sp - (uint32_t)ap_stacks;
    return off < sizeof ap_stacks ? 1 + (int)(off >> SMP_AP_STACK_SHIFT) : 0;
}

static void send_ipi(uint32_t apic_id, uint32_t icr)
{
    /* Full barrier first: the trampoline and the shared variables must be
     * visible before the AP runs, and x2APIC ICR writes do not serialize. */
    __asm__ __volatile__("lock; addl $0, (%%esp)" ::: "memory");
    if (x2apic) {
        wrmsr(MSR_X2APIC_ICR, (uint64_t)apic_id << 32 | icr);
        return;
    }
    mmio_write32(XAPIC_ICR_HI, apic_id << 24);
    mmio_write32(XAPIC_ICR_LO, icr);
    for (uint32_t i = 0; i < 1000000 && (mmio_read32(XAPIC_ICR_LO) & ICR_BUSY); i++)
        cpu_relax();
}

static int wait_up(uint32_t i, uint64_t ticks)
{
    uint64_t end = rdtsc() + ticks;
    while (!up[i] && !expired_tsc(end))
        cpu_relax();
    return up[i];
}

/* SDM 9.4.4.1's sequence. The second SIPI only if the first seems lost:
 * a SIPI to a CPU that is already running is ignored anyway. */
static int start_ap(uint32_t i)
{
    starting = i;
    send_ipi(target[i], ICR_INIT);
    tsc_wait_until(rdtsc() + tsc_ticks_ms(10));
    send_ipi(target[i], ICR_SIPI | SIPI_VECTOR);
    if (!wait_up(i, tsc_ticks_us(200)))
        send_ipi(target[i], ICR_SIPI | SIPI_VECTOR);
    int ok = wait_up(i, tsc_ticks_ms(100));
    starting = NONE;
    return ok;
}

/* The same sequence for every AP at once, by the shorthand "all excluding
 * self" (as many kernels do); returns how many checked in. */
static uint32_t start_all_by_shorthand(void)
{
    uint32_t n = 0;
    send_ipi(0, ICR_INIT | ICR_ALL_BUT_SELF);
    tsc_wait_until(rdtsc() + tsc_ticks_ms(10));
    send_ipi(0, ICR_SIPI | SIPI_VECTOR | ICR_ALL_BUT_SELF);
    tsc_wait_until(rdtsc() + tsc_ticks_us(200));
    if (smp_cpus_up() < ntargets + 1)
        send_ipi(0, ICR_SIPI | SIPI_VECTOR | ICR_ALL_BUT_SELF);
    for (uint32_t i = 0; i < ntargets; i++) {
        if (wait_up(i, tsc_ticks_ms(100)))
            n++;
        else
            say("smp: cpu %u did not start", target[i]);
    }
    return n;
}

/* Fills target[] with every APIC id but our own; returns the CPU count. */
static uint32_t find_targets(const struct hv_partition_info *info)
{
    if (info) {
        uint32_t n = info->cpu_count < HV_MAX_PARTITION_CPUS ? info->cpu_count : HV_MAX_PARTITION_CPUS;
        for (uint32_t i = 0; i < n; i++)
            if (i != info->calling_cpu)
                target[ntargets++] = info->apic_ids[i];
        return ntargets + 1;
    }
    /* Bare metal, without parsing the MADT: assume APIC ids 0..N-1, N the
     * logical processors per package. Right for QEMU -smp cores=N. */
    struct cpuid_regs r = cpuid(1, 0);
    uint32_t n = (r.edx & CPUID1_EDX_HTT) ? (r.ebx >> 16) & 0xFF : 1, self = r.ebx >> 24;
    for (uint32_t id = 0; id < n && ntargets < HV_MAX_PARTITION_CPUS - 1; id++)
        if (id != self)
            target[ntargets++] = id;
    return ntargets + 1;
}

void smp_start(const struct options *o, const struct hv_partition_info *info)
{
    uint64_t base = 0;
    opt = o;
    gp_set_mode(GP_QUIET);
    x2apic = !rdmsr_safe(MSR_APIC_BASE, &base) && (base & APIC_BASE_EXTD);
    gp_set_mode(GP_HALT);
    uint32_t total = find_targets(info), n = 1;

    struct __attribute__((packed)) {
        uint16_t limit;
        uint32_t base;
    } gdtr;
    __asm__ __volatile__("sgdt %0" : "=m"(gdtr));
    uint8_t *t = (uint8_t *)SMP_TRAMPOLINE;
    memcpy(t, ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
    memcpy(t + (ap_tramp_gdtr - ap_tramp_start), &gdtr, sizeof gdtr);

    if (o->smp == 2) { /* smp=broadcast */
        n += start_all_by_shorthand();
        say("smp: %u/%u cpus up (started by shorthand)", n, total);
        return;
    }
    for (uint32_t i = 0; i < ntargets; i++) {
        if (start_ap(i))
            n++;
        else
            say("smp: cpu %u did not start", target[i]);
    }
    say("smp: %u/%u cpus up", n, total);
}

uint32_t smp_cpus_up(void)
{
    uint32_t n = 1;
    for (uint32_t i = 0; i < ntargets; i++)
        n += up[i] != 0;
    return n;
}

static uint32_t own_apic_id(void)
{
    if (!x2apic)
        return mmio_read32(XAPIC_ID) >> 24;
    /* The same mode as the boot CPU, as Linux has it: an AP starts in
     * xAPIC mode on hardware (under the hypervisor it already is x2APIC). */
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if ((base & APIC_BASE_EN) && !(base & APIC_BASE_EXTD))
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
    return (uint32_t)rdmsr(MSR_X2APIC_ID);
}

void ap_main(void)
{
    idt_load();
    uint32_t id = own_apic_id(), i = 0;
    while (i < ntargets && target[i] != id)
        i++;
    if (i == ntargets) /* its id is not what we were told: report it as the one being started */
        i = starting;
    if (i >= ntargets) {
        say("smp: cpu with APIC id %u up, not one we started; halted", id);
        halt_forever();
    }
    say("cpu %u up (%s = %u)", target[i], x2apic ? "x2APIC id from MSR 0x802" : "xAPIC id from 0xFEE00020", id);
    up[i] = 1;

    if (opt->heartbeat_ms) {
        uint64_t period = tsc_ticks_ms(opt->heartbeat_ms), next = rdtsc();
        for (uint32_t k = 1; !opt->beats || k <= opt->beats; k++) {
            next += period;
            tsc_wait_until(next);
            say("cpu %u heartbeat %u", target[i], k);
        }
    }
    halt_forever();
}
