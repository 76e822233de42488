/* TSC time base: the hypervisor's calibration, else the PIT's. */
#ifndef TESTPART_TSC_H
#define TESTPART_TSC_H

#include <stdint.h>

#include "partitions/common/cpu.h"

/* Uses hz if non-zero, else calibrates against PIT channel 2 (10 ms). */
void tsc_init(uint64_t hz);
uint64_t tsc_hz(void);
const char *tsc_source(void); /* "hypervisor" or "PIT" */

uint64_t tsc_ticks_ms(uint32_t ms);
uint64_t tsc_ticks_us(uint32_t us);

/* The TSC has reached deadline (wrap-safe). */
static inline int expired_tsc(uint64_t deadline) { return (int64_t)(rdtsc() - deadline) >= 0; }

#endif
