/* The TSC rate measured against the PIT, the reference every PC has. */
#ifndef GUEST_PIT_H
#define GUEST_PIT_H

#include <stdint.h>

#define PIT_CAL_MS 10

/* TSC ticks per second over PIT_CAL_MS of PIT channel 2 (busy-waits that
 * long). Implausibly small when no PIT answers: the caller checks. */
uint64_t pit_tsc_hz(void);

#endif
