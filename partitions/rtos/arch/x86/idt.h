/* The RTOS's vectors and exception reporting, on top of the shared IDT
 * and VMCALL probe (partitions/common/idt.h). */
#ifndef RTOS_X86_IDT_H
#define RTOS_X86_IDT_H

/* Vectors: the timer's two sources sit in priority class 4, above any
 * other LAPIC source we enable; spurious is the conventional 0xFF. */
#define VEC_TIMER_TSC 0x40
#define VEC_TIMER_HPET 0x41
#define VEC_SPURIOUS 0xFF

#ifndef __ASSEMBLER__
#include "partitions/common/idt.h"

/* Installs all 256 gates (the timer and spurious vectors have their own
 * entry code, isr.S) and loads the IDT. Exceptions are reported, then the
 * machine powers off with exit code 3, so a test run ends instead of
 * hanging. */
void rtos_idt_init(void);
#endif

#endif
