/* hammer: the noisy neighbour for real-time measurements. */
#ifndef TESTPART_HAMMER_H
#define TESTPART_HAMMER_H

/* Loops forever: writes a 256 KiB buffer (memory bandwidth, caches),
 * reads its own UART's status port (I/O with no exit), writes the POST
 * port 0x80 that nobody owns (I/O exits) and makes null hypercalls
 * (VMCALL exits). Prints a line every 64 rounds. */
void hammer(void) __attribute__((noreturn));

#endif
