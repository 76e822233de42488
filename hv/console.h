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
 * Output of concurrent CPUs never interleaves within a call. */
void printk(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Like printk, but the line also goes to COM1 (and port 0xE9) while no
 * partition owns COM1: fatal boot errors must be seen on the usual
 * console (e.g. QEMU -nographic shows only COM1). */
void printk_fatal(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Called once a partition is given COM1: printk_fatal stops using it. */
void console_release_com1(void);

/* Takes the console lock without waiting forever; used by the panic path,
 * where a CPU that died holding the lock must not silence the others. */
void console_force_unlock(void);

#endif
