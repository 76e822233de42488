/* CPU exception handling: per-CPU GDT/TSS, the shared IDT, and the dump. */
#ifndef ARCH_X86_EXCEPTIONS_H
#define ARCH_X86_EXCEPTIONS_H

#include "hv/types.h"

/* Layout pushed by arch/x86/isr.S, lowest address first. */
struct exception_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define VEC_NMI 2
#define VEC_DF 8
#define VEC_PF 14
#define VEC_MC 18

/* Builds and loads this CPU's GDT and TSS (with IST stacks for NMI, #DF
 * and #MC), then loads the shared IDT. */
void cpu_tables_init(uint32_t cpu_index);

/* Linear address of cpu_index's TSS (VMCS host state). */
uint64_t cpu_tss_base(uint32_t cpu_index);

/* Set by the panic path: an NMI then stops the receiving CPU. */
extern volatile bool nmi_stop_requested;

/* What the layer running partitions adds to exception handling, set once
 * at boot (vmx/vmx_on.c), NULL before: an NMI in root mode that may be a
 * partition's (vmx/nmi.c, queued for its guest), and a fault outside any
 * fixup while this CPU serves a partition's exit (vmx/root_fault.c:
 * returns only when no partition's exit was being served). */
extern void (*exception_nmi_hook)(void);
extern void (*exception_fault_hook)(const struct exception_frame *f);

#endif
