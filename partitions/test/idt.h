/* IDT, exception reporting, and recovery from expected #GPs. */
#ifndef TESTPART_IDT_H
#define TESTPART_IDT_H

#include <stdint.h>

/* What isr.S pushed, lowest address first (PUSHAD, then the vector entry, then CPU). */
struct frame {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
};

void idt_init(void);
/* Loads the IDT idt_init built: what each AP does (IDTR is per CPU). */
void idt_load(void);

/* #GP handling. The recovery state is global: only the boot CPU may use
 * the *_safe accessors and vmcall_probe. HALT: report and halt (the default). CONTINUE
 * ("gp=continue"): report, say "#GP caught (refused)" and resume at the
 * recovery EIP the *_safe accessor armed. QUIET: resume silently, for
 * probes whose failure is an ordinary answer (x2APIC availability). Any
 * #GP with no recovery armed halts. */
enum gp_mode { GP_HALT, GP_CONTINUE, GP_QUIET };
void gp_set_mode(enum gp_mode mode);

/* Accesses that may #GP. Each arms a recovery EIP just past the faulting
 * instruction, so a recovered #GP returns -1 (value untouched), else 0.
 * Without GP_CONTINUE or GP_QUIET a #GP still halts. */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);
int load32_safe(uint32_t addr, uint32_t *val);
int store32_safe(uint32_t addr, uint32_t val);
int inb_safe(uint16_t port, uint8_t *val);
int outb_safe(uint16_t port, uint8_t val);

/* VMCALL op with no arguments, recovering silently from #UD (no VMX root
 * to answer: bare metal, or a hypervisor that is not ours) as well as
 * #GP. Returns -1 if it faulted, else 0 with EAX in *ret. */
int vmcall_probe(uint32_t op, int32_t *ret);

/* Loads an IDT with limit 0, so the next exception cannot be delivered:
 * #GP, then #DF, then a triple fault (SDM Vol. 3A 6.14.2). */
void idt_load_empty(void);

#endif
