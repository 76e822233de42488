/* The local APIC as a kernel finds it at boot (keys apic_base.*, xapic.*,
 * x2apic.*): IA32_APIC_BASE; in xAPIC mode the MMIO registers at
 * 0xFEE00000 (id, version, TPR, SVR, LDR/DFR, ESR, a one-shot timer
 * interrupt, self-IPIs by shorthand, physical and logical destination)
 * and #GP for x2APIC MSRs; then the switch to x2APIC mode through
 * IA32_APIC_BASE, the same facts through the MSRs, and the illegal
 * transitions out of x2APIC mode (#GP). The APIC is never disabled here:
 * Bochs cannot re-enable one (EMULATION.md). It is left in x2APIC mode,
 * timer masked, for the probes after this one.
 *
 * Not CONF lines: "BENCH xapic_eoi_ticks N" and friends, the cost of an
 * EOI and of a timer arm in each mode (tools/bench.sh reads them from a
 * partition run; bare, they are the native figures). */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/conform/conform.h"

#define XAPIC_BASE 0xFEE00000u
#define REG_ID 0x020
#define REG_VERSION 0x030
#define REG_TPR 0x080
#define REG_EOI 0x0B0
#define REG_LDR 0x0D0
#define REG_DFR 0x0E0
#define REG_SVR 0x0F0
#define REG_ISR_VEC(v) (0x100 + ((v) / 32) * 0x10)
#define REG_ESR 0x280
#define REG_ICR_LOW 0x300
#define REG_ICR_HIGH 0x310
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INITIAL 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE 0x3E0
#define REG_LVT_LINT0 0x350
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_DATA 0xA1

#define MSR_X2APIC_VERSION 0x803
#define MSR_X2APIC_TPR 0x808
#define MSR_X2APIC_ISR0 0x810
#define MSR_X2APIC_TIMER_INITIAL 0x838
#define MSR_X2APIC_TIMER_CURRENT 0x839
#define MSR_X2APIC_TIMER_DIVIDE 0x83E

#define TIMER_VECTOR 0x40
#define IPI_VECTOR 0x41
#define SVR_ENABLED 0x1FFu   /* software enable, spurious vector 0xFF */
#define LVT_MASKED 0x10000u
#define DIVIDE_BY_1 0xBu
#define ICR_SELF (1u << 18)
#define ICR_LOGICAL (1u << 11)
#define BASE_BIT63 (1ull << 63)
#define WAIT_TICKS 50000000ull /* one emulated second at Bochs's 50 MHz */
#define BENCH_N 1000u

static int in_x2apic;
static volatile uint32_t timer_fired, ipi_fired, timer_in_service;

static uint32_t reg_read(uint32_t off) { return mmio_read32(XAPIC_BASE + off); }
static void reg_write(uint32_t off, uint32_t v) { mmio_write32(XAPIC_BASE + off, v); }

static void eoi(void)
{
    if (in_x2apic)
        wrmsr(MSR_X2APIC_EOI, 0);
    else
        reg_write(REG_EOI, 0);
}

static void on_timer(void)
{
    uint32_t bit = 1u << (TIMER_VECTOR % 32);
    timer_in_service = in_x2apic ? (uint32_t)rdmsr(MSR_X2APIC_ISR0 + TIMER_VECTOR / 32) & bit
                                 : reg_read(REG_ISR_VEC(TIMER_VECTOR)) & bit;
    timer_fired++;
    eoi();
}

static void on_ipi(void)
{
    ipi_fired++;
    eoi();
}

/* Interrupts on until *count moves or a second of TSC time passed. */
static const char *wait_for(volatile uint32_t *count, uint32_t before)
{
    uint64_t end = rdtsc() + WAIT_TICKS;
    __asm__ __volatile__("sti" ::: "memory");
    while (*count == before && rdtsc() < end)
        cpu_relax();
    __asm__ __volatile__("cli" ::: "memory");
    return *count != before ? "fired" : "silent";
}

static uint32_t own_apic_id(void) { return cpuid(1, 0).ebx >> 24; }

static void print_base(const char *prefix, uint64_t base)
{
    char key[48];
    static const char *const names[] = {"en", "extd", "bsp"};
    static const unsigned bits[] = {11, 10, 8};
    for (unsigned i = 0; i < 3; i++) {
        unsigned n = 0;
        for (const char *s = prefix; *s && n < sizeof key - 8; s++)
            key[n++] = *s;
        for (const char *s = names[i]; *s; s++)
            key[n++] = *s;
        key[n] = 0;
        conf(key, "%u", (unsigned)(base >> bits[i]) & 1);
    }
}

/* ------------------------------------------------------------ benches */

/* Ticks per call of op, less an empty loop's, over BENCH_N calls. */
static uint32_t ticks_per(void (*op)(void))
{
    uint64_t t0 = rdtsc_ordered();
    for (uint32_t i = 0; i < BENCH_N; i++)
        __asm__ __volatile__("" ::: "memory");
    uint64_t t1 = rdtsc_ordered();
    for (uint32_t i = 0; i < BENCH_N; i++)
        op();
    uint64_t t2 = rdtsc_ordered();
    uint64_t cost = (t2 - t1) > (t1 - t0) ? (t2 - t1) - (t1 - t0) : 0;
    return (uint32_t)(cost / BENCH_N);
}

static void xapic_eoi_op(void) { reg_write(REG_EOI, 0); }
static void xapic_arm_op(void) { reg_write(REG_TIMER_INITIAL, 1000000); }
static void x2apic_eoi_op(void) { wrmsr(MSR_X2APIC_EOI, 0); }
static void x2apic_arm_op(void) { wrmsr(MSR_X2APIC_TIMER_INITIAL, 1000000); }

/* With nothing in service an EOI changes nothing; the timer is masked
 * and re-armed each time (one-shot), then stopped. */
static void bench(const char *mode, void (*eoi_op)(void), void (*arm_op)(void))
{
    say("BENCH %s_eoi_ticks %u (per EOI write, %u timed together)", mode, ticks_per(eoi_op), BENCH_N);
    say("BENCH %s_timer_arm_ticks %u (per initial-count write, %u timed together)", mode, ticks_per(arm_op),
        BENCH_N);
}

/* ------------------------------------------------------------ xAPIC */

static void probe_xapic_timer(void)
{
    reg_write(REG_TIMER_DIVIDE, DIVIDE_BY_1);
    reg_write(REG_LVT_TIMER, TIMER_VECTOR); /* one-shot, unmasked */
    uint32_t before = timer_fired;
    reg_write(REG_TIMER_INITIAL, 1000);
    conf("xapic.timer.oneshot", "%s", wait_for(&timer_fired, before));
    conf("xapic.timer.in_service_in_handler", "%u", timer_in_service ? 1 : 0);
    conf("xapic.timer.current_after", "%u", reg_read(REG_TIMER_CURRENT));
    conf("xapic.timer.lvt_readback", "0x%x", reg_read(REG_LVT_TIMER));
    reg_write(REG_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
}

static void xapic_ipi(const char *key, uint32_t high, uint32_t low)
{
    uint32_t before = ipi_fired;
    reg_write(REG_ICR_HIGH, high);
    reg_write(REG_ICR_LOW, low);
    conf(key, "%s", wait_for(&ipi_fired, before));
}

static void probe_xapic_ipis(void)
{
    xapic_ipi("xapic.ipi.self_shorthand", 0, ICR_SELF | IPI_VECTOR);
    conf("xapic.icr_low.readback", "0x%x", reg_read(REG_ICR_LOW)); /* delivery status 0: sent */
    xapic_ipi("xapic.ipi.physical_own_id", own_apic_id() << 24, IPI_VECTOR);
    reg_write(REG_DFR, 0xFFFFFFFFu); /* flat model */
    reg_write(REG_LDR, 0x01000000u);
    conf("xapic.dfr.readback", "0x%x", reg_read(REG_DFR));
    conf("xapic.ldr.readback", "0x%x", reg_read(REG_LDR));
    xapic_ipi("xapic.ipi.logical_own_ldr", 0x01000000u, ICR_LOGICAL | IPI_VECTOR);
}

/* The BIOS leaves the 8259 on LINT0 (ExtINT), and Bochs ignores the
 * LINT0 mask: with interrupts on, the PIT would arrive too. Both masked,
 * as probe_tsc.c does (in a partition the 8259's ports are dropped). */
static void quiet_legacy_pic(void)
{
    reg_write(REG_LVT_LINT0, reg_read(REG_LVT_LINT0) | LVT_MASKED);
    outb(PIC_MASTER_DATA, 0xFF);
    outb(PIC_SLAVE_DATA, 0xFF);
}

static void probe_xapic_mode(void)
{
    uint64_t v;
    quiet_legacy_pic();
    conf("xapic.x2apic_msr_read", "%s", conf_fault_name(conf_rdmsr(MSR_X2APIC_ID, &v)));
    conf("xapic.x2apic_msr_write", "%s", conf_fault_name(conf_wrmsr(MSR_X2APIC_TPR, 0)));
    uint32_t id = reg_read(REG_ID);
    conf("xapic.id.matches_cpuid", "%u", (id >> 24) == own_apic_id());
    conf("xapic.id.low_bits", "0x%x", id & 0xFFFFFFu);
    conf("xapic.version", "0x%x", reg_read(REG_VERSION));
    reg_write(REG_TPR, 0x20);
    conf("xapic.tpr.readback", "0x%x", reg_read(REG_TPR));
    reg_write(REG_TPR, 0);
    reg_write(REG_SVR, SVR_ENABLED);
    conf("xapic.svr.readback", "0x%x", reg_read(REG_SVR) & 0x11FFu);
    reg_write(REG_ESR, 0);
    conf("xapic.esr", "0x%x", reg_read(REG_ESR));
    probe_xapic_timer();
    probe_xapic_ipis();
    reg_write(REG_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
    bench("xapic", xapic_eoi_op, xapic_arm_op);
    reg_write(REG_TIMER_INITIAL, 0);
}

/* ------------------------------------------------------------ x2APIC */

static void probe_x2apic_mode(uint64_t base)
{
    uint64_t v = 0;
    conf("x2apic.id.matches_cpuid", "%u", rdmsr(MSR_X2APIC_ID) == own_apic_id());
    conf("x2apic.version", "0x%x", (uint32_t)rdmsr(MSR_X2APIC_VERSION));
    /* No x2apic.ldr: Bochs does not derive the x2APIC LDR from the id
     * (SDM 11.12.10.2); it shows what the xAPIC LDR held, 0 or not. */
    wrmsr(MSR_X2APIC_TPR, 0x30);
    conf("x2apic.tpr.readback", "0x%x", (uint32_t)rdmsr(MSR_X2APIC_TPR));
    wrmsr(MSR_X2APIC_TPR, 0);
    wrmsr(MSR_X2APIC_SVR, SVR_ENABLED);
    conf("x2apic.mmio_read", "0x%x", reg_read(REG_VERSION)); /* no MMIO page in x2APIC mode */

    wrmsr(MSR_X2APIC_TIMER_DIVIDE, DIVIDE_BY_1);
    wrmsr(MSR_X2APIC_LVT_TIMER, TIMER_VECTOR);
    uint32_t before = timer_fired;
    wrmsr(MSR_X2APIC_TIMER_INITIAL, 1000);
    conf("x2apic.timer.oneshot", "%s", wait_for(&timer_fired, before));
    conf("x2apic.timer.in_service_in_handler", "%u", timer_in_service ? 1 : 0);
    conf("x2apic.timer.current_after", "%u", (uint32_t)rdmsr(MSR_X2APIC_TIMER_CURRENT));
    wrmsr(MSR_X2APIC_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);

    before = ipi_fired;
    wrmsr(MSR_X2APIC_SELF_IPI, IPI_VECTOR);
    conf("x2apic.ipi.self_ipi_msr", "%s", wait_for(&ipi_fired, before));
    before = ipi_fired;
    wrmsr(MSR_X2APIC_ICR, (uint64_t)own_apic_id() << 32 | IPI_VECTOR);
    conf("x2apic.ipi.physical_own_id", "%s", wait_for(&ipi_fired, before));
    bench("x2apic", x2apic_eoi_op, x2apic_arm_op);
    wrmsr(MSR_X2APIC_TIMER_INITIAL, 0);

    /* SDM Vol. 3A 11.12.5: out of x2APIC mode only through disabled. */
    uint64_t en = base & ~(uint64_t)APIC_BASE_EXTD;
    conf("apic_base.x2apic_to_xapic", "%s", conf_fault_name(conf_wrmsr(MSR_APIC_BASE, en | APIC_BASE_EN)));
    conf("apic_base.extd_without_en", "%s",
         conf_fault_name(conf_wrmsr(MSR_APIC_BASE, (en & ~(uint64_t)APIC_BASE_EN) | APIC_BASE_EXTD)));
    conf("apic_base.reserved_bit63", "%s", conf_fault_name(conf_wrmsr(MSR_APIC_BASE, base | BASE_BIT63)));
    conf("apic_base.same_value_again", "%s", conf_fault_name(conf_wrmsr(MSR_APIC_BASE, base)));
    conf_rdmsr(MSR_APIC_BASE, &v);
    conf("apic_base.still_x2apic", "%u", (v & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD));
}

void probe_xapic(void)
{
    uint64_t base = 0;
    int r = conf_rdmsr(MSR_APIC_BASE, &base);
    conf("apic_base.read", "%s", conf_fault_name(r));
    if (r)
        return;
    print_base("apic_base.", base);
    conf("apic_base.address", "0x%x", (uint32_t)base & 0xFFFFF000u);
    conf_set_handler(TIMER_VECTOR, on_timer);
    conf_set_handler(IPI_VECTOR, on_ipi);
    if ((base & APIC_BASE_EN) && !(base & APIC_BASE_EXTD)) {
        probe_xapic_mode();
        r = conf_wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
        conf("apic_base.xapic_to_x2apic", "%s", conf_fault_name(r));
        if (r)
            return;
        conf_rdmsr(MSR_APIC_BASE, &base);
        print_base("apic_base.switched.", base);
    }
    if (!(base & APIC_BASE_EXTD))
        return;
    in_x2apic = 1;
    probe_x2apic_mode(base);
}
