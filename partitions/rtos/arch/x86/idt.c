/* Timer vectors and exception handling; see idt.h. */
#include "partitions/rtos/arch/x86/idt.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/rtos/arch/x86/power.h"

void isr_timer(void);    /* isr.S */
void isr_spurious(void); /* isr.S */

#define STRAY_REPORTS 8 /* stray interrupts reported before going quiet */

void rtos_idt_init(void)
{
    idt_init();
    idt_set_gate(VEC_TIMER_TSC, isr_timer);
    idt_set_gate(VEC_TIMER_HPET, isr_timer);
    idt_set_gate(VEC_SPURIOUS, isr_spurious);
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
    if (vmcall_probe_recover(f)) /* hv_detect's probe: no hypervisor */
        return;
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
