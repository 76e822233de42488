/* Interrupts, for VMRPC only: the kernel otherwise never enables them.
 * The partition's rpc_vector (doorbells of the modules it serves and
 * completions of its asynchronous calls) and a TSC-deadline timer (to
 * halt between heartbeats and event-queue drains), both through the
 * partition's own x2APIC, which the hypervisor passes through: EOI, SVR,
 * TSC_DEADLINE and the LVT timer take no VM exit. Boot CPU only. */
#ifndef TESTPART_IRQ_H
#define TESTPART_IRQ_H

#include <stdint.h>

#define IRQ_TIMER_VECTOR 0xEF
#define IRQ_SPURIOUS_VECTOR 0xFF
/* Legacy 8259 interrupts on vectors 8-15 arrive as 0xD8-0xDF
 * (legacy_irq.S). */
#define IRQ_LEGACY_ALIAS(v) (0xD0 + (v))

/* Software-enables the LAPIC (SVR: spurious vector 0xFF, bit 8) and sets
 * the timer's LVT to TSC-deadline mode if CPUID offers it. Needs x2APIC
 * mode (always so under the hypervisor). Leaves IF as it was. Returns 0,
 * or -1 with *why set. */
int irq_init(uint32_t rpc_vector, const char **why);
int irq_enabled(void);
int irq_has_timer(void);

/* Called on every rpc_vector interrupt, before the EOI, IF = 0. */
void irq_set_rpc_handler(void (*fn)(void));

/* Timer interrupt at TSC deadline (0: disarm). */
void irq_timer_arm(uint64_t deadline);

/* STI; HLT; CLI, counting the ticks halted until an interrupt arrived. */
void irq_halt(void);

static inline void irq_enable(void) { __asm__ __volatile__("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }

/* Since irq_init. */
uint64_t irq_idle_ticks(void);
uint32_t irq_rpc_count(void);
uint64_t irq_rpc_last_tsc(void); /* TSC at the latest rpc_vector interrupt */

/* From isr_dispatch for vectors 32-255: 1 if handled here (EOI sent
 * unless spurious), 0 if interrupts were never set up. */
int irq_dispatch(uint32_t vector, uint32_t eip);

#endif
