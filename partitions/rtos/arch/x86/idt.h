/* IDT, exception reporting, and the #UD/#GP-safe VMCALL probe. */
#ifndef RTOS_X86_IDT_H
#define RTOS_X86_IDT_H

/* Vectors: the timer's two sources sit in priority class 4, above any
 * other LAPIC source we enable; spurious is the conventional 0xFF. */
#define VEC_TIMER_TSC 0x40
#define VEC_TIMER_HPET 0x41
#define VEC_SPURIOUS 0xFF

#ifndef __ASSEMBLER__
#include <stdint.h>

/* What isr.S pushed, lowest address first: PUSHAD, then the vector's
 * entry code (error code, vector), then the CPU. */
struct frame {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
};

/* Installs all 256 gates (the timer and spurious vectors have their own
 * entry code) and loads the IDT. Exceptions are reported, then the
 * machine powers off with exit code 3, so a test run ends instead of
 * hanging. */
void idt_init(void);

/* VMCALL op with no arguments, recovering from #UD (no hypervisor of
 * ours: bare metal, or one that does not answer VMCALL) and #GP. Returns
 * -1 if it faulted, else 0 with EAX in *ret. */
int vmcall_probe(uint32_t op, int32_t *ret);
#endif

#endif
