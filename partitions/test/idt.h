/* Exception reporting and recovery from expected #GPs, on top of the
 * shared IDT (partitions/common/idt.h). */
#ifndef TESTPART_IDT_H
#define TESTPART_IDT_H

#include "partitions/common/idt.h"

/* #GP handling. The recovery state is global: only the boot CPU may use
 * the *_safe accessors. HALT: report and halt (the default). CONTINUE
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

#endif
