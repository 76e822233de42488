/* What the RTOS kernel (partitions/rtos/kernel/) needs from the machine.
 * One implementation per target: partitions/rtos/arch/x86/ (bare metal
 * and partition, the same binary) and the host port the unit tests use
 * (tests/unit/rtos_host_port.c). The kernel never touches hardware. */
#ifndef RTOS_PORT_H
#define RTOS_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Interrupt masking; nests through the saved flags. */
typedef uint32_t port_irq_state_t;
port_irq_state_t port_irq_save(void);
void port_irq_restore(port_irq_state_t s);

/* Current TSC, and its rate (measured by the port at boot). */
uint64_t port_now(void);
uint64_t port_tsc_hz(void);

/* Arms the one-shot timer for an absolute TSC deadline (0 = disarm). When
 * it fires the port calls rtos_timer_isr() from interrupt context. */
void port_timer_arm(uint64_t deadline);

/* Task contexts. A context is an opaque saved stack pointer. */
typedef struct port_context {
    void *sp;
    void *host; /* host port only */
} port_context_t;

/* Prepares ctx so that the first switch to it calls entry(arg) on the
 * given stack with interrupts enabled (entry must never return). */
void port_context_init(port_context_t *ctx, void *stack, size_t stack_size, void (*entry)(void *), void *arg);

/* Saves the current context into from and resumes to. Called with
 * interrupts masked; returns (in `from`) when something switches back. */
void port_context_switch(port_context_t *from, port_context_t *to);

/* Starts the first task (never returns). */
void port_start_first(port_context_t *to);

/* Waits for an interrupt with interrupts enabled (HLT), then masks them
 * again: the idle task's body. */
void port_idle_wait(void);

/* Kernel entry points the port calls. An ISR that may call the kernel is
 * bracketed by rtos_isr_enter() and rtos_isr_exit(), so that the tasks it
 * wakes are switched to only at its end (after EOI); rtos_timer_isr() also
 * works unbracketed, followed by rtos_isr_exit(). */
void rtos_isr_enter(void);   /* start of any ISR that may call the kernel (nests) */
void rtos_timer_isr(void);   /* the timer programmed by port_timer_arm fired */
void rtos_isr_exit(void);    /* end of any ISR that may have woken a task: switch if needed */

#endif
