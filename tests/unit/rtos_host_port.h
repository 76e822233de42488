/* What the RTOS host port (rtos_host_port.c) offers the RTOS unit tests:
 * control of the simulated clock and timer, and a trace the tasks append
 * to so a test can check the order things happened in. */
#ifndef TESTS_RTOS_HOST_PORT_H
#define TESTS_RTOS_HOST_PORT_H

#include <stdint.h>

void host_reset(uint64_t tsc_hz);
void host_run(uint64_t limit);
void host_advance_time(uint64_t ticks);
void host_isr(void (*fn)(void *), void *arg);
uint64_t host_timer_deadline(void);
extern unsigned host_timer_arms;

/* host_trace holds the words appended by host_tr() (each followed by a
 * space); host_reset() clears it. */
#define HOST_TRACE_MAX 1024
extern char host_trace[HOST_TRACE_MAX];
void host_tr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
