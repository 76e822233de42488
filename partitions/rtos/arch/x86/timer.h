/* Time base (the TSC, calibrated at boot) and the one-shot timer behind
 * port_timer_arm: the x2APIC in TSC-deadline mode, or HPET comparator 0
 * through the IOAPIC. Printing and hardware facts: timer.c. */
#ifndef RTOS_X86_TIMER_H
#define RTOS_X86_TIMER_H

#include <stdint.h>

#include "partitions/rtos/arch/x86/options.h"

/* Written by the timer ISR (isr.S) before anything else: the TSC at its
 * entry. The latency benchmark compares it with the deadline. */
extern volatile uint64_t rtos_isr_entry_tsc;
/* Oscilloscope hook (option scope_port): the ISR writes 1 here at entry;
 * 0 = off. */
extern uint16_t rtos_scope_port;

/* Local APIC to x2APIC mode, HPET probe, TSC calibration, then the timer
 * o->timer asks for (or the other one if it is missing, with a warning).
 * hv_tsc_hz: the hypervisor's figure, the last resort if neither the HPET
 * nor the PIT answers (0: none). Prints what it found; powers off if no
 * timer can work. */
void timer_init(const struct options *o, uint64_t hv_tsc_hz);

uint64_t timer_tsc_hz(void);
enum rtos_timer_src timer_source(void);
uint32_t timer_apic_id(void);

/* Arms for an absolute TSC deadline (0 = disarm); see port_timer_arm. */
void timer_arm(uint64_t deadline);

uint64_t tsc_us_to_ticks(uint64_t us);
/* Busy-waits (no timer needed). */
void tsc_delay_us(uint32_t us);

#endif
