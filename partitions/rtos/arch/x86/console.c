/* The console's line lock (partitions/common/console.h): interrupts are
 * masked for the line, so lines from different tasks never interleave.
 * That costs the line's transmission time in latency, so time-critical
 * code prints only after measuring. */
#include "partitions/common/console.h"
#include "partitions/rtos/port.h"

uint32_t console_line_lock(void) { return port_irq_save(); }

void console_line_unlock(uint32_t held) { port_irq_restore(held); }
