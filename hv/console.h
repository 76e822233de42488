/* The hypervisor log: lines prefixed "[hv] " on one UART (COM2 unless the
 * boot option console= says otherwise, so COM1 can belong to a partition),
 * optionally mirrored to port 0xE9 (Bochs/QEMU debug console). */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "hv/types.h"

/* spec: "com1".."com4", a port number ("0x3f8"), or "none".
 * Returns false when spec is not understood (the default COM2 is used). */
bool console_init(const char *spec, bool mirror_e9);

/* Prints one or more whole lines; each line gets the "[hv] " prefix.
 * Output of concurrent CPUs never interleaves within a line (one hold of
 * the console's ticket lock per line). */
void printk(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Like printk, but the line also goes to COM1 (and port 0xE9) while no
 * partition owns COM1: fatal boot errors must be seen on the usual
 * console (e.g. QEMU -nographic shows only COM1). */
void printk_fatal(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Called once, before the partitions start: from then on printk_fatal
 * leaves COM1 alone if the config gives any of its ports to a partition
 * (a fatal message must not land in a partition's serial line). */
void console_partitions_starting(void);

/* The panic path: takes the console lock, waiting at most about 100 ms
 * (a CPU that died holding it must not silence the panic), and keeps it:
 * this CPU's later messages are written without the lock, other CPUs
 * wait on it until they are stopped. */
void console_panic_take(void);

/* HC_CONSOLE_WRITE. console_partition_put stores one line (len <=
 * LOG_RING_LINE_MAX, no '\n') in partition id's log ring (4 KiB): never
 * waits for the UART; a line that does not fit is dropped whole, and a
 * "[N bytes dropped]" line takes its place in the log.
 * console_partition_drain then writes the ring's lines as "[hv] NAME:
 * text", one line per hold of the console lock (FIFO: waiting hypervisor
 * messages and other CPUs' lines go in between), at most a ring's worth
 * (4 KiB) per call, so the partition's CPU pays for its own text. One
 * CPU of a partition drains at a time, so its lines stay in order; a CPU
 * that finds another draining returns at once. */
void console_partition_put(uint32_t id, const char *text, uint32_t len);
void console_partition_drain(uint32_t id, const char *name);

#endif
