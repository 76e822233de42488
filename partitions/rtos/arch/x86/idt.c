/* IDT and exception handling; see idt.h. */
#include "partitions/rtos/arch/x86/idt.h"
#include "partitions/rtos/arch/x86/console.h"
#include "partitions/rtos/arch/x86/cpu.h"
#include "partitions/rtos/arch/x86/power.h"

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t zero, type;
    uint16_t off_hi;
} __attribute__((packed));

struct idt_desc {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

extern const uint32_t isr_table[256]; /* isr.S: generic entry points */
void isr_timer(void);                 /* isr.S */
void isr_spurious(void);              /* isr.S */
void isr_dispatch(struct frame *f);

static struct idt_gate idt[256];

/* Armed by vmcall_probe around its VMCALL: where to resume if it faults. */
static volatile uint32_t probe_resume_eip;
static volatile uint32_t probe_faulted;

#define VEC_NMI 2
#define VEC_UD 6
#define VEC_GP 13
#define STRAY_REPORTS 8 /* stray interrupts reported before going quiet */

static void set_gate(unsigned v, uint32_t handler)
{
    /* 32-bit interrupt gate, DPL 0: IF is cleared on entry (SDM Vol. 3A
     * 6.12.1.3), which the kernel's ISR contract relies on. */
    idt[v] = (struct idt_gate){
        .off_lo = (uint16_t)handler, .sel = 0x08, .type = 0x8E, .off_hi = (uint16_t)(handler >> 16)};
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, isr_table[v]);
    set_gate(VEC_TIMER_TSC, (uint32_t)isr_timer);
    set_gate(VEC_TIMER_HPET, (uint32_t)isr_timer);
    set_gate(VEC_SPURIOUS, (uint32_t)isr_spurious);
    struct idt_desc d = {sizeof idt - 1, (uint32_t)idt};
    __asm__ __volatile__("lidt %0" : : "m"(d));
}

static const char *exception_name(uint32_t v)
{
    static const char *const names[] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
                                        "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP"};
    return v < sizeof names / sizeof names[0] ? names[v] : "reserved";
}

void isr_dispatch(struct frame *f)
{
    static uint32_t strays;
    if ((f->vector == VEC_UD || f->vector == VEC_GP) && probe_resume_eip) {
        f->eip = probe_resume_eip;
        probe_resume_eip = 0;
        probe_faulted = 1;
        return;
    }
    if (f->vector == VEC_NMI) { /* not ours to handle: note it and go on */
        say("NMI at EIP 0x%08x", f->eip);
        return;
    }
    if (f->vector >= 32) {
        /* Nothing else is unmasked, so this is a stray (e.g. a source the
         * firmware left on). An EOI with nothing in service is ignored,
         * and one for a real LAPIC interrupt keeps lower vectors flowing. */
        if (++strays <= STRAY_REPORTS)
            say("stray interrupt vector 0x%x at EIP 0x%08x%s", f->vector, f->eip,
                strays == STRAY_REPORTS ? " (further ones not reported)" : "");
        wrmsr(MSR_X2APIC_EOI, 0);
        return;
    }
    say("EXCEPTION %s (vector %u) error 0x%x at EIP 0x%08x, ESP 0x%08x, EFLAGS 0x%08x", exception_name(f->vector),
        f->vector, f->error, f->eip, f->esp + 20, f->eflags);
    power_off(POWER_EXIT_EXCEPTION);
}

int vmcall_probe(uint32_t op, int32_t *ret)
{
    uint32_t eax = op;
    probe_faulted = 0;
    /* Arm the resume address (label 1, just past VMCALL), then disarm;
     * a fault in between lands in isr_dispatch, which resumes there. */
    __asm__ __volatile__("movl $1f, %[rec]\n\t"
                         "vmcall\n"
                         "1:\tmovl $0, %[rec]"
                         : "+a"(eax), [rec] "=m"(probe_resume_eip)
                         : "b"(0), "c"(0), "d"(0), "S"(0)
                         : "memory");
    if (probe_faulted)
        return -1;
    *ret = (int32_t)eax;
    return 0;
}
