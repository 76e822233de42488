/* Interrupts for VMRPC; see irq.h. */
#include "partitions/test/irq.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/test/idt.h"

#define SVR_ENABLE (1u << 8)
#define LVT_TSC_DEADLINE (2u << 17)
#define LVT_MASKED (1u << 16)

extern const uint32_t isr_table[256]; /* partitions/common/isr.S */
void legacy_irq_8(void), legacy_irq_10(void), legacy_irq_11(void), legacy_irq_12(void), legacy_irq_13(void),
    legacy_irq_14(void);

static int enabled, has_timer;
static volatile uint32_t legacy_count;
static uint32_t rpc_vec;
static void (*rpc_handler)(void);
static volatile uint64_t halt_since, idle_ticks, rpc_last_tsc;
static volatile uint32_t rpc_count;

static void install_legacy_gates(void)
{
    static void (*const entry[6])(void) = {legacy_irq_8,  legacy_irq_10, legacy_irq_11,
                                           legacy_irq_12, legacy_irq_13, legacy_irq_14};
    static const uint8_t vec[6] = {8, 10, 11, 12, 13, 14};
    for (int i = 0; i < 6; i++)
        idt_set_gate(vec[i], entry[i]);
    /* 9 and 15 push no error code, and no CPU of ours raises them. */
    idt_set_gate(9, (void (*)(void))isr_table[IRQ_LEGACY_ALIAS(9)]);
    idt_set_gate(15, (void (*)(void))isr_table[IRQ_LEGACY_ALIAS(15)]);
}

int irq_init(uint32_t rpc_vector, const char **why)
{
    uint64_t base = 0;
    gp_set_mode(GP_QUIET);
    int x2 = !rdmsr_safe(MSR_APIC_BASE, &base) && (base & APIC_BASE_EN) && (base & APIC_BASE_EXTD);
    gp_set_mode(GP_HALT);
    if (!x2) {
        *why = "the APIC is not in x2APIC mode";
        return -1;
    }
    rpc_vec = rpc_vector;
    /* Every vector already enters isr_dispatch (idt_init), which hands
     * vectors 32-255 to irq_dispatch once this flag is set. */
    enabled = 1;
    /* LINT0 is the legacy 8259's virtual wire on the boot CPU: left as
     * the BIOS set it (ExtINT), the PIT's IRQ 0 arrives as vector 8, the
     * double-fault vector, as soon as IF = 1. This kernel has no 8259
     * interrupts to take; where masking LINT0 is not enough (Bochs), the
     * legacy entries at least keep them from passing for exceptions. */
    wrmsr(MSR_X2APIC_LVT_LINT0, LVT_MASKED);
    install_legacy_gates();
    wrmsr(MSR_X2APIC_SVR, SVR_ENABLE | IRQ_SPURIOUS_VECTOR);
    has_timer = (cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE) != 0;
    if (has_timer) {
        wrmsr(MSR_TSC_DEADLINE, 0);
        wrmsr(MSR_X2APIC_LVT_TIMER, LVT_TSC_DEADLINE | IRQ_TIMER_VECTOR);
    }
    return 0;
}

int irq_enabled(void) { return enabled; }
int irq_has_timer(void) { return has_timer; }
void irq_set_rpc_handler(void (*fn)(void)) { rpc_handler = fn; }

void irq_timer_arm(uint64_t deadline)
{
    if (has_timer)
        wrmsr(MSR_TSC_DEADLINE, deadline);
}

void irq_halt(void)
{
    halt_since = rdtsc();
    /* STI's one-instruction shadow: an interrupt pending now wakes the
     * HLT instead of slipping in before it. */
    __asm__ __volatile__("sti; hlt; cli" ::: "memory");
    if (halt_since) { /* woken by something that did not go through irq_dispatch */
        idle_ticks += rdtsc() - halt_since;
        halt_since = 0;
    }
}

uint64_t irq_idle_ticks(void) { return idle_ticks; }
uint32_t irq_rpc_count(void) { return rpc_count; }
uint64_t irq_rpc_last_tsc(void) { return rpc_last_tsc; }

int irq_dispatch(uint32_t vector, uint32_t eip)
{
    if (!enabled)
        return 0;
    uint64_t now = rdtsc();
    if (halt_since) { /* the halt ends where the interrupt begins */
        idle_ticks += now - halt_since;
        halt_since = 0;
    }
    if (vector == IRQ_SPURIOUS_VECTOR)
        return 1; /* no EOI for the spurious vector (SDM Vol. 3A 11.9) */
    if (vector >= IRQ_LEGACY_ALIAS(8) && vector <= IRQ_LEGACY_ALIAS(15)) {
        /* Not through the LAPIC: no EOI there. The PIC gets none either
         * (its ports are not ours), so this IRQ and those below it stay
         * in service there and quiet from now on. */
        if (legacy_count++ == 0)
            say("legacy 8259 interrupt IRQ %u (vector %u) ignored: the PIC is not masked", vector - IRQ_LEGACY_ALIAS(8),
                vector - IRQ_LEGACY_ALIAS(0));
        return 1;
    }
    if (vector == rpc_vec) {
        rpc_count++;
        rpc_last_tsc = now;
        if (rpc_handler)
            rpc_handler();
    } else if (vector != IRQ_TIMER_VECTOR) {
        say("interrupt vector %u at EIP 0x%08x", vector, eip);
    }
    wrmsr(MSR_X2APIC_EOI, 0);
    return 1;
}
