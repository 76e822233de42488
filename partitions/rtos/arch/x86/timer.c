/* Timers; see timer.h. Register facts: Intel SDM Vol. 3A chapter 11
 * (local APIC), IA-PC HPET Specification 1.0a section 2.3 (HPET), the
 * 82093AA IOAPIC datasheet (redirection table). */
#include "partitions/rtos/arch/x86/timer.h"
#include "partitions/rtos/arch/x86/timer_hpet.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/lib.h"
#include "partitions/common/pit.h"
#include "partitions/rtos/arch/x86/idt.h"
#include "partitions/rtos/arch/x86/power.h"
#include "partitions/rtos/port.h"

volatile uint64_t rtos_isr_entry_tsc;
uint16_t rtos_scope_port;

/* HPET (1.0a 2.3): fixed address on PC chipsets and in the partition's
 * configuration (the ACPI HPET table would say so on other boards). */
#define HPET_BASE 0xFED00000u
#define HPET_GCAP_ID 0x000    /* [63:32] period in fs, [13] 64-bit counter */
#define HPET_GEN_CONF 0x010   /* [0] ENABLE_CNF, [1] LEG_RT_CNF */
#define HPET_MAIN_CNT 0x0F0
#define HPET_T0_CONF 0x100    /* timer 0 configuration and capability */
#define HPET_T0_CMP 0x108
#define GCAP_COUNT_SIZE (1u << 13)
#define GEN_ENABLE (1u << 0)
#define GEN_LEG_RT (1u << 1)
#define TN_INT_LEVEL (1u << 1)
#define TN_INT_ENB (1u << 2)
#define TN_PERIODIC (1u << 3)
#define TN_SIZE_CAP (1u << 5) /* 64-bit comparator */
#define TN_32MODE (1u << 8)
#define TN_ROUTE_SHIFT 9      /* [13:9] IOAPIC pin */
#define TN_ROUTE_MASK (0x1Fu << TN_ROUTE_SHIFT)
#define TN_FSB_EN (1u << 14)
#define HPET_MAX_PERIOD_FS 100000000u /* 1.0a 2.3.4: at most 100 ns */

/* IOAPIC: indirect registers through IOREGSEL/IOWIN. */
#define IOAPIC_BASE 0xFEC00000u
#define IOAPIC_IOWIN 0x10
#define IOAPIC_VER 0x01       /* [23:16] highest redirection entry */
#define IOAPIC_REDTBL 0x10    /* entry n: 0x10 + 2n (low), +1 (high) */

#define MSR_X2APIC_ISR0 0x810 /* in-service bits 0-31; vector v in 0x810 + v / 32 (SDM 11.12.1.2) */
#define LVT_MASKED (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17) /* timer mode bits 18:17 (SDM 11.5.1) */
#define SVR_ENABLE (1u << 8)
#define MAX_ARM_SECONDS 1     /* longer deadlines: fire early, the kernel re-arms */

#define CAL_MS PIT_CAL_MS   /* the same span for the HPET */

static uint64_t tsc_hz;
static enum rtos_timer_src source;
static uint32_t apic_id;
static uint64_t hpet_hz;
static uint64_t hpet_per_tsc_q32; /* HPET ticks per TSC tick, 32.32 fixed point */
static uint32_t t0_conf;          /* comparator 0 configuration, interrupt disabled */
static uint32_t cmp_high;         /* comparator high half as last written */
static uint32_t cmp_low;          /* comparator low half as last written */
static int t0_enabled;
static uint64_t hpet_deadline;    /* the TSC deadline comparator 0 holds, 0 = none */
static uint64_t hpet_target;      /* ... as a counter value */
static int backstop;              /* TSC-deadline mode usable beside the HPET (timer_arm) */
static uint32_t hpet_writes;      /* register writes made: each one a VM exit under the hypervisor */

static uint32_t hpet_read(uint32_t reg) { return mmio_read32(HPET_BASE + reg); }

/* Under the hypervisor the HPET page is read-only (the hypervisor checks
 * and makes each write for us), so every write here costs a VM exit;
 * reads stay direct. The count lets app=latency tell these exits apart. */
static void hpet_write(uint32_t reg, uint32_t v)
{
    hpet_writes++;
    mmio_write32(HPET_BASE + reg, v);
}

/* Two 32-bit reads of a 64-bit counter: retry if the high half moved in
 * between (the HPET spec's advice for 32-bit CPUs). */
static uint64_t hpet_counter(void)
{
    uint32_t hi, lo;
    do {
        hi = hpet_read(HPET_MAIN_CNT + 4);
        lo = hpet_read(HPET_MAIN_CNT);
    } while (hpet_read(HPET_MAIN_CNT + 4) != hi);
    return ((uint64_t)hi << 32) | lo;
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    mmio_write32(IOAPIC_BASE, reg);
    mmio_write32(IOAPIC_BASE + IOAPIC_IOWIN, v);
}

static uint32_t ioapic_read(uint32_t reg)
{
    mmio_write32(IOAPIC_BASE, reg);
    return mmio_read32(IOAPIC_BASE + IOAPIC_IOWIN);
}

/* xAPIC -> x2APIC is the one legal switch from an enabled APIC (SDM
 * 11.12.5): on bare metal, and in a partition configured to start in
 * xAPIC mode (lapic_mode); 'rtos' starts in x2APIC mode already. */
static void x2apic_init(void)
{
    if (!(cpuid(1, 0).ecx & CPUID1_ECX_X2APIC)) {
        say("FATAL: no x2APIC (CPUID.1:ECX[21]); both timers need it");
        power_off(POWER_EXIT_FAIL);
    }
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (!(base & APIC_BASE_EN)) {
        say("FATAL: local APIC disabled in IA32_APIC_BASE (0x%llx)", base);
        power_off(POWER_EXIT_FAIL);
    }
    if (!(base & APIC_BASE_EXTD))
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
    apic_id = (uint32_t)rdmsr(MSR_X2APIC_ID);
    /* LINT0 carries the 8259's virtual wire on a boot CPU: masked, no
     * legacy interrupt reaches us (SDM 11.5.1). Timer masked until a mode
     * is chosen. SVR: software-enable with spurious vector 0xFF (11.9). */
    wrmsr(MSR_X2APIC_LVT_LINT0, LVT_MASKED);
    wrmsr(MSR_X2APIC_LVT_TIMER, LVT_MASKED);
    wrmsr(MSR_X2APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
    say("x2APIC: id %u%s", apic_id, base & APIC_BASE_EXTD ? "" : " (switched from xAPIC mode)");
}

/* Present, sane period, main counter running and not in legacy routing
 * (which would steal comparator 0 for IRQ0). */
static int hpet_init(void)
{
    uint32_t cap = hpet_read(HPET_GCAP_ID), period = hpet_read(HPET_GCAP_ID + 4);
    if (cap == 0xFFFFFFFFu || period == 0 || period > HPET_MAX_PERIOD_FS) {
        say("HPET: none at 0x%x", HPET_BASE);
        return -1;
    }
    hpet_hz = udiv64_32(1000000000000000ull, period, NULL);
    uint32_t conf = hpet_read(HPET_GEN_CONF);
    if ((conf & (GEN_ENABLE | GEN_LEG_RT)) != GEN_ENABLE)
        hpet_write(HPET_GEN_CONF, (conf | GEN_ENABLE) & ~GEN_LEG_RT);
    say("HPET: %llu Hz, %u comparators, %s-bit counter%s", hpet_hz, ((cap >> 8) & 0x1F) + 1,
        cap & GCAP_COUNT_SIZE ? "64" : "32", conf & GEN_ENABLE ? "" : ", enabled now");
    return cap & GCAP_COUNT_SIZE ? 0 : 1;
}

/* TSC ticks over CAL_MS of HPET time. Each TSC read is taken just
 * before its counter read, so both ends carry the same read delay. */
static uint64_t calibrate_hpet(void)
{
    uint32_t want = (uint32_t)udiv64_32(hpet_hz * CAL_MS, 1000, NULL), c0, c1;
    uint64_t t0 = rdtsc();
    c0 = hpet_read(HPET_MAIN_CNT);
    uint64_t t1;
    do {
        t1 = rdtsc();
        c1 = hpet_read(HPET_MAIN_CNT);
    } while (c1 - c0 < want); /* 32-bit difference: wrap-safe */
    return (t1 - t0) * hpet_hz / (c1 - c0);
}

static int tsc_deadline_init(void)
{
    if (!(cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE)) {
        say("warning: no TSC-deadline mode (CPUID.1:ECX[24])");
        return -1;
    }
    wrmsr(MSR_X2APIC_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TIMER_TSC);
    /* x2APIC MSR writes are not serializing (SDM 11.12.3); the mode switch
     * must be done before IA32_TSC_DEADLINE is written (SDM 11.5.4.1). */
    __asm__ __volatile__("mfence" ::: "memory");
    wrmsr(MSR_TSC_DEADLINE, 0);
    say("timer: local APIC TSC-deadline, vector 0x%x", VEC_TIMER_TSC);
    return 0;
}

/* Comparator 0, one-shot, 64-bit, edge, to IOAPIC pin `pin`, which must be
 * in its Tn_INT_ROUTE_CAP (HPET 1.0a 2.3.8). The IOAPIC entry is written
 * high half first: the destination must be right before the unmasked low
 * half goes in (the hypervisor checks the entry whichever half is last). */
static int hpet_timer_init(uint32_t pin)
{
    uint32_t conf = hpet_read(HPET_T0_CONF), routes = hpet_read(HPET_T0_CONF + 4);
    uint32_t max_pin = (ioapic_read(IOAPIC_VER) >> 16) & 0xFF;
    if (!(routes & (1u << pin)) || !(conf & TN_SIZE_CAP) || pin > max_pin) {
        say("warning: HPET comparator 0 cannot serve pin %u (routes 0x%08x, %s-bit, IOAPIC pins 0-%u)", pin, routes,
            conf & TN_SIZE_CAP ? "64" : "32", max_pin);
        return -1;
    }
    t0_conf = (conf & ~(TN_INT_LEVEL | TN_INT_ENB | TN_PERIODIC | TN_32MODE | TN_ROUTE_MASK | TN_FSB_EN)) |
              (pin << TN_ROUTE_SHIFT);
    hpet_write(HPET_T0_CONF, t0_conf);
    hpet_write(HPET_T0_CMP + 4, cmp_high = 0xFFFFFFFFu);
    hpet_write(HPET_T0_CMP, cmp_low = 0xFFFFFFFFu);
    hpet_per_tsc_q32 = (hpet_hz << 32) / tsc_hz;
    /* Fixed delivery, physical destination, active high, edge, unmasked. */
    ioapic_write(IOAPIC_REDTBL + 2 * pin + 1, apic_id << 24);
    ioapic_write(IOAPIC_REDTBL + 2 * pin, VEC_TIMER_HPET);
    say("timer: HPET comparator 0, IOAPIC pin %u, vector 0x%x, edge, to APIC id %u", pin, VEC_TIMER_HPET, apic_id);
    return 0;
}

void timer_init(const struct options *o, uint64_t hv_tsc_hz)
{
    x2apic_init();
    int hpet = hpet_init();
    const char *cal = "HPET";
    tsc_hz = hpet >= 0 ? calibrate_hpet() : 0;
    if (tsc_hz < 1000000) {
        cal = "PIT channel 2";
        tsc_hz = pit_tsc_hz();
    }
    if (tsc_hz < 1000000 && hv_tsc_hz) {
        cal = "the hypervisor";
        tsc_hz = hv_tsc_hz;
    }
    if (tsc_hz < 1000000) {
        say("FATAL: TSC calibration failed (no HPET, PIT or hypervisor figure)");
        power_off(POWER_EXIT_FAIL);
    }
    say("TSC: %llu Hz, calibrated against %s over %u ms", tsc_hz, cal, CAL_MS);

    source = o->timer;
    int ok = source == TIMER_TSC ? tsc_deadline_init() : hpet == 0 ? hpet_timer_init(o->hpet_pin) : -1;
    if (ok < 0) {
        source = source == TIMER_TSC ? TIMER_HPET : TIMER_TSC;
        ok = source == TIMER_TSC ? tsc_deadline_init() : hpet == 0 ? hpet_timer_init(o->hpet_pin) : -1;
        if (ok < 0) {
            say("FATAL: neither TSC-deadline nor HPET timer available");
            power_off(POWER_EXIT_FAIL);
        }
        say("warning: timer=%s unavailable, using timer=%s", source == TIMER_TSC ? "hpet" : "tsc",
            source == TIMER_TSC ? "tsc" : "hpet");
    }
    if (source == TIMER_HPET && (cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE)) {
        wrmsr(MSR_X2APIC_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TIMER_TSC);
        __asm__ __volatile__("mfence" ::: "memory"); /* mode before deadline (SDM 11.5.4.1) */
        wrmsr(MSR_TSC_DEADLINE, 0);
        backstop = 1;
        say("timer: re-arms from the HPET interrupt go to the local APIC TSC-deadline timer (vector 0x%x)",
            VEC_TIMER_TSC);
    }
    rtos_scope_port = o->scope_port;
}

uint64_t timer_tsc_hz(void) { return tsc_hz; }
enum rtos_timer_src timer_source(void) { return source; }
uint32_t timer_apic_id(void) { return apic_id; }

/* TSC deadline to HPET counter: the TSC is read just before the counter,
 * so the counter value is from no earlier than that TSC and the target is
 * never early on this account (at most one counter read late); +1 covers
 * the truncation of the conversion. A target the counter passed while
 * being written would never match (the comparator fires on equality), so
 * then the interrupt is raised by hand, a self-IPI (SDM 11.12.11).
 * Comparator 0 stays enabled once armed: a one-shot 64-bit comparator
 * that fired does not fire again (HPET 1.0a 2.3.9.2.1), and one left
 * armed for a cancelled deadline fires once, finding nothing due, which
 * rtos_timer_isr() takes as it comes. */
static void hpet_program(uint64_t deadline)
{
    uint64_t now = rdtsc(), counter = hpet_counter();
    int64_t delta = (int64_t)(deadline - now);
    if (delta <= 0) {
        wrmsr(MSR_X2APIC_SELF_IPI, VEC_TIMER_HPET);
        return;
    }
    if ((uint64_t)delta > tsc_hz * MAX_ARM_SECONDS)
        delta = (int64_t)(tsc_hz * MAX_ARM_SECONDS);
    uint64_t target = counter + mul64_shr32((uint64_t)delta, hpet_per_tsc_q32) + 1;
    uint32_t high = (uint32_t)(target >> 32);
    /* Halves one at a time: when the high half changes, park it far
     * ahead first so no intermediate value lies in the near future. */
    if (high != cmp_high)
        hpet_write(HPET_T0_CMP + 4, 0xFFFFFFFFu);
    hpet_write(HPET_T0_CMP, cmp_low = (uint32_t)target);
    if (high != cmp_high)
        hpet_write(HPET_T0_CMP + 4, cmp_high = high);
    if (!t0_enabled)
        hpet_write(HPET_T0_CONF, t0_conf | TN_INT_ENB);
    t0_enabled = 1;
    hpet_deadline = deadline;
    hpet_target = target;
    if ((int64_t)(hpet_counter() - target) >= 0)
        wrmsr(MSR_X2APIC_SELF_IPI, VEC_TIMER_HPET);
}

/* Whether the HPET's own interrupt is being served (its in-service bit,
 * SDM 11.8.4): the timer ISR re-arms before its EOI. */
static int in_hpet_interrupt(void)
{
    return (rdmsr(MSR_X2APIC_ISR0 + VEC_TIMER_HPET / 32) >> (VEC_TIMER_HPET % 32)) & 1;
}

/* A re-arm from the HPET interrupt itself (the next sleeper's deadline,
 * once the woken task's has passed) would be an HPET write, a VM exit on
 * the interrupt-to-task path; the local APIC's TSC-deadline timer (a
 * pass-through MSR) takes it instead. Deadlines armed from task context
 * go to the comparator; a deadline it already holds is not written again.
 * Disarming writes nothing (see hpet_program). */
static void hpet_arm(uint64_t deadline)
{
    if (!deadline) {
        if (backstop)
            wrmsr(MSR_TSC_DEADLINE, 0);
        return;
    }
    if (backstop && in_hpet_interrupt()) {
        wrmsr(MSR_TSC_DEADLINE, deadline);
        return;
    }
    if (deadline == hpet_deadline && (int64_t)(hpet_counter() - hpet_target) < 0)
        return;
    hpet_program(deadline);
}

void timer_arm(uint64_t deadline)
{
    port_irq_state_t s = port_irq_save();
    if (source == TIMER_TSC)
        wrmsr(MSR_TSC_DEADLINE, deadline); /* a past deadline fires at once (SDM 11.5.4.1) */
    else
        hpet_arm(deadline);
    port_irq_restore(s);
}

uint32_t timer_hpet_writes(void) { return hpet_writes; }

/* Rewrites the comparator's low half with the value it holds: the
 * comparator is unchanged, so the timer is not disturbed. */
int timer_hpet_arm_cost(uint32_t n, uint64_t *min, uint64_t *avg, uint64_t *empty)
{
    if (source != TIMER_HPET || !n)
        return -1;
    uint64_t lo = ~0ull, sum = 0, e = ~0ull;
    port_irq_state_t s = port_irq_save();
    for (uint32_t i = 0; i < n; i++) {
        uint64_t t0 = rdtsc_ordered(), t1 = rdtsc_ordered();
        if (t1 - t0 < e)
            e = t1 - t0;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint64_t t0 = rdtsc_ordered();
        hpet_write(HPET_T0_CMP, cmp_low);
        uint64_t t = rdtsc_ordered() - t0 - e;
        sum += t;
        if (t < lo)
            lo = t;
    }
    port_irq_restore(s);
    *min = lo;
    *avg = udiv64_32(sum, n, NULL);
    *empty = e;
    return 0;
}

uint64_t tsc_us_to_ticks(uint64_t us) { return udiv64_32(us * tsc_hz, 1000000, NULL); }

void tsc_delay_us(uint32_t us) { tsc_wait_until(rdtsc() + tsc_us_to_ticks(us)); }
