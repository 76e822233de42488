/* Speculative-execution mitigations of the hypervisor (decisions in
 * arch/x86/spec_policy.c): detected once at boot, set on every CPU, acted
 * on by vmx/entry.S at each VM exit and entry. */
#ifndef ARCH_X86_SPECULATION_H
#define ARCH_X86_SPECULATION_H

#include "arch/x86/spec_policy.h"

/* SPEC_* flags for vmx/entry.S; 0 on a CPU that needs none. */
extern uint8_t spec_entry_flags;
/* SPEC_CTRL value root mode runs with. */
extern uint64_t spec_host_spec_ctrl;

/* Bits of struct percpu's entry_work (also in vmx/entry.S). */
#define ENTRY_WORK_EVERY_ENTRY 0x1 /* SPEC_CTRL switch or VERW: at every entry */
#define ENTRY_WORK_L1D_FLUSH 0x2   /* this exit touched foreign data */

/* Boot CPU: reads the CPU's enumeration, decides, logs one line. */
void spec_init_boot(void);
/* Every CPU, before its first VM entry: loads the host SPEC_CTRL. */
void spec_init_cpu(void);

/* Called by code that brought data of another partition (or of the
 * hypervisor) into this CPU's L1D while handling an exit (VMRPC copies):
 * on CPUs affected by L1TF the next VM entry flushes the L1D first. */
void spec_note_foreign_data(void);

#endif
