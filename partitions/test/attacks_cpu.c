/* Attacks on NMIs, INIT, real mode (attack=KIND, see attacks.h).
 *
 * nmi-count:N   N NMIs to itself through the x2APIC ICR (x2APIC SELF_IPI
 *               sends only fixed interrupts), each awaited; then one whose
 *               handler sends two more while NMIs are blocked there (each
 *               must still arrive, after its IRET); then one to each other
 *               CPU that is up, and INIT and SIPI to it, which restart it
 *               (its "cpu N up" line again). Prints "survived, self NMIs
 *               A/N, nested B/3, other CPUs C/D".
 * realmode-gp   drops to real mode and runs RDMSR 0x480 (a VMX MSR, #GP
 *               under the hypervisor): the #GP arrives through the
 *               real-mode IVT with the CPU's frame (no error code).
 *               Prints "survived, #GP in real mode caught (K), frame
 *               without error code" or what it saw instead. */
#include "partitions/test/attacks.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/hv.h"
#include "partitions/common/lib.h"
#include "partitions/test/idt.h"
#include "partitions/test/smp.h"
#include "partitions/test/tsc.h"

#define ICR_NMI_ASSERT 0x4400u /* delivery NMI, level assert, physical */
#define ICR_INIT_ASSERT 0x4500u
#define ICR_SIPI 0x4600u /* start-up; OR in the vector */
#define NESTED_EXTRA 2u
#define NMI_WAIT_MS 50

/* partitions/test/idt.c: NMIs taken per CPU (smp_cpu_index()), and a
 * hook its NMI handler calls on the boot CPU. */
extern volatile uint32_t nmi_count[1 + SMP_MAX_APS];
extern void (*volatile nmi_hook)(void);

static uint32_t self_apic_id;
static volatile uint32_t nested_to_send;

static void send_nmi(uint32_t apic_id) { wrmsr(MSR_X2APIC_ICR, (uint64_t)apic_id << 32 | ICR_NMI_ASSERT); }

/* Waits until CPU cpu has taken `want` NMIs in all; returns how many. */
static uint32_t wait_nmis(int cpu, uint32_t want)
{
    uint64_t end = rdtsc() + tsc_ticks_ms(NMI_WAIT_MS);
    while (nmi_count[cpu] < want && !expired_tsc(end))
        cpu_relax();
    return nmi_count[cpu];
}

/* Inside the NMI handler: NMIs are blocked until its IRET, so these wait. */
static void send_nested(void)
{
    uint32_t n = nested_to_send;
    nested_to_send = 0;
    for (uint32_t i = 0; i < n; i++)
        send_nmi(self_apic_id);
}

/* One NMI to each other CPU, then INIT and SIPI to it: it starts again
 * (its "cpu N up" line again). Returns the NMIs that arrived. */
static uint32_t nmi_and_restart_other_cpus(uint32_t *tried)
{
    static struct hv_partition_info info;
    uint32_t got = 0;
    *tried = 0;
    if (smp_cpus_up() < 2 || hc_partition_info(&info) < 0)
        return 0;
    for (uint32_t i = 0; i < info.cpu_count && i < HV_MAX_PARTITION_CPUS; i++) {
        if (i == info.calling_cpu)
            continue;
        int cpu = 1 + (int)(*tried)++; /* APs are started, and get stacks, in this order */
        uint32_t before = nmi_count[cpu];
        send_nmi(info.apic_ids[i]);
        got += wait_nmis(cpu, before + 1) > before;
        wrmsr(MSR_X2APIC_ICR, (uint64_t)info.apic_ids[i] << 32 | ICR_INIT_ASSERT);
        tsc_wait_until(rdtsc() + tsc_ticks_ms(10));
        wrmsr(MSR_X2APIC_ICR, (uint64_t)info.apic_ids[i] << 32 | ICR_SIPI | (SMP_TRAMPOLINE >> 12));
        tsc_wait_until(rdtsc() + tsc_ticks_ms(20));
    }
    return got;
}

static void attack_nmi_count(const struct attack_args *a, uint32_t n)
{
    say("attack %s: %u NMIs to itself, %u more sent from its NMI handler, one to each other CPU, then INIT-SIPI",
        a->spec, n, NESTED_EXTRA);
    uint64_t base = 0;
    gp_set_mode(GP_QUIET);
    int no_x2apic = rdmsr_safe(MSR_APIC_BASE, &base) || !(base & APIC_BASE_EXTD);
    gp_set_mode(GP_HALT);
    if (no_x2apic) {
        say("attack %s: survived, no x2APIC: nothing sent", a->spec);
        return;
    }
    self_apic_id = (uint32_t)rdmsr(MSR_X2APIC_ID);
    uint32_t start = nmi_count[0];
    for (uint32_t i = 1; i <= n; i++) {
        send_nmi(self_apic_id);
        wait_nmis(0, start + i);
    }
    uint32_t self = nmi_count[0] - start;

    start = nmi_count[0];
    nested_to_send = NESTED_EXTRA;
    nmi_hook = send_nested;
    send_nmi(self_apic_id);
    uint32_t nested = wait_nmis(0, start + 1 + NESTED_EXTRA) - start;
    nmi_hook = 0;

    uint32_t others_tried, others = nmi_and_restart_other_cpus(&others_tried);
    say("attack %s: survived, self NMIs %u/%u, nested %u/%u, other CPUs %u/%u", a->spec, self, n, nested,
        1 + NESTED_EXTRA, others, others_tried);
}

/* attacks_cpu_realmode.S */
#define RM_BASE 0x60000u
#define IVT_GP (13u * 4)
#define RM_STACK_TOP 0x0FF0u
#define REAL_MODE_FRAME 6u /* IP, CS, FLAGS */
extern const uint8_t rm_blob_start[], rm_blob_end[];
extern const uint32_t rm_gp_handler_off, rm_gp_count_off, rm_gp_sp_off;
void rm_run(void);

struct __attribute__((packed)) table_reg {
    uint16_t limit;
    uint32_t base;
};

/* 0x08/0x10 as the kernel's own (partitions/common/entry.S); 0x18/0x20:
 * 16-bit code and data at RM_BASE, limit 64 KiB, for the way down. */
static const uint64_t rm_gdt[] __attribute__((aligned(8))) = {
    0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull, 0x00009A060000FFFFull, 0x000092060000FFFFull,
};

static void attack_realmode_gp(const struct attack_args *a)
{
    say("attack %s: real mode, RDMSR 0x480 (#GP expected), back to protected mode", a->spec);
    uint8_t *blob = (uint8_t *)RM_BASE;
    memcpy(blob, rm_blob_start, (size_t)(rm_blob_end - rm_blob_start));
    /* The IVT is at address 0: hidden from the compiler, which takes a
     * pointer that low for a null one. */
    volatile uint32_t *ivt_gp;
    __asm__("" : "=r"(ivt_gp) : "0"(IVT_GP));
    uint32_t saved_vector = *ivt_gp;
    *ivt_gp = (RM_BASE >> 4) << 16 | rm_gp_handler_off;

    struct table_reg gdtr, idtr, rm_gdtr = {sizeof rm_gdt - 1, (uint32_t)rm_gdt}, ivt = {0x3FF, 0};
    __asm__ __volatile__("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
    __asm__ __volatile__("lgdt %0; lidt %1" ::"m"(rm_gdtr), "m"(ivt) : "memory");
    rm_run();
    __asm__ __volatile__("lgdt %0; lidt %1" ::"m"(gdtr), "m"(idtr) : "memory");
    *ivt_gp = saved_vector;

    uint16_t count = *(volatile uint16_t *)(blob + rm_gp_count_off);
    uint16_t sp = *(volatile uint16_t *)(blob + rm_gp_sp_off);
    if (count == 0)
        say("attack %s: survived, no #GP in real mode", a->spec);
    else if (sp == RM_STACK_TOP - REAL_MODE_FRAME)
        say("attack %s: survived, #GP in real mode caught (%u), frame without error code", a->spec, count);
    else
        say("attack %s: survived, #GP in real mode caught (%u), frame of %u bytes (expected %u)", a->spec, count,
            RM_STACK_TOP - sp, REAL_MODE_FRAME);
}

int attack_cpu_run(const struct attack_args *a)
{
    uint64_t n;
    if (kstreq(a->kind, "nmi-count") && a->nargs == 1 && !parse_u64(a->arg[0], 10, &n) && n >= 1 && n <= 100)
        attack_nmi_count(a, (uint32_t)n);
    else if (kstreq(a->kind, "realmode-gp") && a->nargs == 0)
        attack_realmode_gp(a);
    else
        return 0;
    return 1;
}
