/* The time stamp counter as a kernel that sets it sees it (probe group
 * "tsc", keys tsc.*). Linux writes IA32_TSC_ADJUST to line up its CPUs'
 * TSCs, test suites write IA32_TSC; both must take effect, each seen
 * through RDTSC and RDMSR, and the TSC-deadline timer must keep firing at
 * the right TSC value afterwards (SDM Vol. 3B 17.17, 17.17.3; Vol. 3A
 * 11.5.4.1). Only facts print, no raw TSC values: a reading "set" is
 * within BOUND ticks after the value written. The TSC goes back to where
 * it was at the end (through TSC_ADJUST where the CPU has it). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "partitions/common/cpu.h"
#include "partitions/conform/conform.h"

#define MSR_TSC 0x10
#define MSR_TSC_ADJUST 0x3B
#define CPUID7_EBX_TSC_ADJUST (1u << 1)
#define LVT_TSC_DEADLINE_MODE (2u << 17)
#define LVT_MASKED (1u << 16)
#define SVR_APIC_ENABLE (1u << 8)
#define TIMER_VECTOR 0xE0
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_DATA 0xA1
#define SPURIOUS_VECTOR 0xFF

#define TSC_JUMP (1ull << 40)   /* how far the TSC is set ahead */
#define ADJUST_JUMP (1ull << 39) /* how far a TSC_ADJUST write moves it */
#define BOUND (1ull << 24)       /* a reading this close after a value is "that value" */
#define TIMER_DELAY 1000000ull   /* ticks from arming to the deadline */
#define TIMER_SLACK 100000ull    /* deadline to handler, at most */
#define TIMER_GIVE_UP 50000000ull

static int close_to(uint64_t got, uint64_t want) { return got - want < BOUND || want - got < BOUND; }

static const char *near(uint64_t got, uint64_t want) { return close_to(got, want) ? "set" : "other"; }

/* After a jump of `jump`: "moved" if the difference is the jump (give or
 * take the instructions in between), "unchanged" if it is only those. */
static const char *moved_by(uint64_t before, uint64_t after, uint64_t jump)
{
    if (close_to(after - before, jump))
        return "moved";
    return close_to(after, before) ? "unchanged" : "other";
}

static volatile uint32_t timer_fired;
static volatile uint64_t timer_fired_at;

static void timer_isr(void)
{
    timer_fired_at = rdtsc();
    timer_fired++;
    wrmsr(MSR_X2APIC_EOI, 0);
}

/* The local APIC in x2APIC mode (the mode a partition's LAPIC is in; the
 * bare machine starts in xAPIC mode and goes to x2APIC directly, SDM
 * Vol. 3A 11.12.5), software-enabled, its timer in TSC-deadline mode. */
static bool timer_setup(void)
{
    if (!(conf_cpuid(1, 0).ecx & CPUID1_ECX_X2APIC) || !(conf_cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE))
        return false;
    uint64_t base;
    if (conf_rdmsr(MSR_APIC_BASE, &base))
        return false;
    if (!(base & APIC_BASE_EXTD) && conf_wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN | APIC_BASE_EXTD))
        return false;
    conf_set_handler(TIMER_VECTOR, timer_isr);
    /* The BIOS leaves the 8259 on LINT0 (ExtINT): with interrupts on,
     * the PIT would arrive as vector 8. Masked at the LAPIC, as Linux
     * does, and at the 8259 too, since Bochs ignores the LINT0 mask. In a
     * partition the 8259 is absent (its writes are dropped). */
    wrmsr(MSR_X2APIC_LVT_LINT0, rdmsr(MSR_X2APIC_LVT_LINT0) | LVT_MASKED);
    outb(PIC_MASTER_DATA, 0xFF);
    outb(PIC_SLAVE_DATA, 0xFF);
    wrmsr(MSR_X2APIC_SVR, SVR_APIC_ENABLE | SPURIOUS_VECTOR);
    wrmsr(MSR_X2APIC_LVT_TIMER, LVT_TSC_DEADLINE_MODE | TIMER_VECTOR);
    return true;
}

/* Arms the deadline `delay` ticks from now (a "negative" delay: in the
 * past) and waits with interrupts on: "on_time", "early", "late" or
 * "never". *readback: what RDMSR(TSC_DEADLINE) gave right after;
 * *armed: the deadline. */
static const char *timer_run(int64_t delay, const char **readback, uint64_t *armed)
{
    timer_fired = 0;
    uint64_t deadline = rdtsc() + (uint64_t)delay;
    *armed = deadline;
    wrmsr(MSR_TSC_DEADLINE, deadline);
    uint64_t rb = rdmsr(MSR_TSC_DEADLINE);
    *readback = rb == deadline ? "same" : rb == 0 ? (timer_fired ? "fired" : "0") : "other";
    uint64_t due = delay > 0 ? deadline : deadline - (uint64_t)delay;
    __asm__ __volatile__("sti" ::: "memory");
    while (!timer_fired && (int64_t)(rdtsc() - due) < (int64_t)TIMER_GIVE_UP)
        cpu_relax();
    __asm__ __volatile__("cli" ::: "memory");
    if (!timer_fired)
        return "never";
    if ((int64_t)(timer_fired_at - due) < 0)
        return "early";
    return timer_fired_at - due <= TIMER_SLACK ? "on_time" : "late";
}

/* "tsc.deadline.<when><suffix>" */
static const char *deadline_key(char *key, size_t size, const char *when, const char *suffix)
{
    size_t n = 0;
    for (const char *parts[] = {"tsc.deadline.", when, suffix}, **p = parts; p < parts + 3; p++)
        for (const char *s = *p; *s && n + 1 < size; s++)
            key[n++] = *s;
    key[n] = 0;
    return key;
}

static void probe_deadline(const char *when)
{
    char key[64];
    const char *rb;
    uint64_t armed;
    const char *result = timer_run((int64_t)TIMER_DELAY, &rb, &armed);
    conf(deadline_key(key, sizeof key, when, ""), "%s", result);
    conf(deadline_key(key, sizeof key, when, ".read"), "%s", rb);
    /* Cleared when it fires (SDM Vol. 3A 11.5.4.1); Bochs 2.7 keeps it. */
    uint64_t after = rdmsr(MSR_TSC_DEADLINE);
    conf(deadline_key(key, sizeof key, when, ".after_fire"), "%s", after == 0 ? "0" : after == armed ? "kept" : "other");
}

static void probe_deadline_past(void)
{
    const char *rb;
    uint64_t armed;
    conf("tsc.deadline.past", "%s", timer_run(-(int64_t)TIMER_DELAY, &rb, &armed));
}

void probe_tsc(void)
{
    int has_adjust = conf_cpuid(0, 0).eax >= 7 && (conf_cpuid(7, 0).ebx & CPUID7_EBX_TSC_ADJUST);
    uint64_t adj0 = 0, adj1 = 0, adj2 = 0;
    conf("tsc.adjust.cpuid", "%d", has_adjust);
    if (has_adjust)
        conf("tsc.adjust.read", "%s", conf_fault_name(conf_rdmsr(MSR_TSC_ADJUST, &adj0)));
    bool timer = timer_setup();
    conf("tsc.deadline.setup", "%s", timer ? "ok" : "no");
    if (timer)
        probe_deadline("before");

    uint64_t start = rdtsc();
    int r = conf_wrmsr(MSR_TSC, start + TSC_JUMP);
    uint64_t by_rdtsc = rdtsc(), by_rdmsr = rdmsr(MSR_TSC);
    conf("tsc.write", "%s", conf_fault_name(r));
    conf("tsc.write.rdtsc", "%s", near(by_rdtsc, start + TSC_JUMP));
    conf("tsc.write.rdmsr", "%s", near(by_rdmsr, start + TSC_JUMP));
    if (has_adjust && !conf_rdmsr(MSR_TSC_ADJUST, &adj1))
        conf("tsc.adjust.after_tsc_write", "%s", moved_by(adj0, adj1, TSC_JUMP));
    if (timer)
        probe_deadline("after_tsc_write");

    if (has_adjust) {
        uint64_t before = rdtsc();
        r = conf_wrmsr(MSR_TSC_ADJUST, adj1 + ADJUST_JUMP);
        uint64_t after = rdtsc();
        conf("tsc.adjust.write", "%s", conf_fault_name(r));
        conf("tsc.adjust.write.rdtsc", "%s", moved_by(before, after, ADJUST_JUMP));
        conf_rdmsr(MSR_TSC_ADJUST, &adj2);
        conf("tsc.adjust.read_back", "%s", adj2 == adj1 + ADJUST_JUMP ? "same" : "other");
        if (timer)
            probe_deadline("after_adjust_write");
    }
    if (timer)
        probe_deadline_past();

    /* Back to the TSC as it would be had nothing been written. */
    if (has_adjust)
        conf_wrmsr(MSR_TSC_ADJUST, adj0);
    else
        conf_wrmsr(MSR_TSC, rdtsc() - TSC_JUMP);
    conf("tsc.restored", "%s", rdtsc() - start < BOUND * 64 ? "ok" : "no");
    if (timer) {
        probe_deadline("after_restore");
        wrmsr(MSR_TSC_DEADLINE, 0);
        wrmsr(MSR_X2APIC_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
    }
}
