/* HPET figures of the timer (timer.c) for app=latency: under the
 * hypervisor the HPET is mediated (its page read-only, each register
 * write checked and made by the hypervisor), so each write is a VM exit,
 * and those are the only exits the HPET timer may cost. */
#ifndef RTOS_X86_TIMER_HPET_H
#define RTOS_X86_TIMER_HPET_H

#include <stdint.h>

/* HPET register writes made so far (arming comparator 0). */
uint32_t timer_hpet_writes(void);

/* The cost of one comparator write as seen from here: n writes of the
 * comparator's low half with the value it holds (the timer is not
 * disturbed), each timed with lfence; rdtsc, less the smallest empty
 * timed pair (*empty). Interrupts masked meanwhile. -1 unless the timer
 * is the HPET. */
int timer_hpet_arm_cost(uint32_t n, uint64_t *min, uint64_t *avg, uint64_t *empty);

#endif
