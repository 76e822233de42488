/* The IDT: every vector enters isr.S's generic entry, which hands a
 * struct frame to the kernel's own isr_dispatch; a kernel may point some
 * vectors elsewhere (idt_set_gate). Also the #UD-safe VMCALL probe. */
#ifndef GUEST_IDT_H
#define GUEST_IDT_H

#include <stdint.h>

#define VEC_NMI 2
#define VEC_UD 6
#define VEC_GP 13

/* What isr.S pushed, lowest address first: PUSHAD, then the vector's
 * entry code (error code, or 0 where the CPU pushes none; vector), then
 * the CPU. The handler may rewrite eip to resume elsewhere. */
struct frame {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
};

/* Each kernel's handler for the generic entry. */
void isr_dispatch(struct frame *f);

/* Points all 256 gates at the generic entry and loads the IDT. */
void idt_init(void);
/* Loads it again: what each AP does (IDTR is per CPU). */
void idt_load(void);
/* 32-bit interrupt gate, DPL 0: IF is cleared on entry (SDM Vol. 3A
 * 6.12.1.3), so handlers run with interrupts masked. */
void idt_set_gate(unsigned vector, void (*entry)(void));
/* Loads an IDT with limit 0, so the next exception cannot be delivered:
 * #GP, then #DF, then a triple fault (SDM Vol. 3A 6.14.2). */
void idt_load_empty(void);

/* VMCALL op with no arguments, recovering silently from #UD (no VMX root
 * to answer: bare metal, or a hypervisor that is not ours) and #GP.
 * Returns -1 if it faulted, else 0 with EAX in *ret. The kernel's
 * isr_dispatch must call vmcall_probe_recover first. */
int vmcall_probe(uint32_t op, int32_t *ret);
/* 1 if f is a fault of the probe's VMCALL, now set to resume past it. */
int vmcall_probe_recover(struct frame *f);

#endif
