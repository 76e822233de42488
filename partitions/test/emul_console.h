/* The emulated UART and the manager's console reads (options emul_uart,
 * console_read, console_read_bad; README.md). */
#ifndef TESTPART_EMUL_CONSOLE_H
#define TESTPART_EMUL_CONSOLE_H

#include <stdint.h>

/* Probes the 16550 at port as Linux's 8250 driver does (scratch, IER,
 * FIFO bits of IIR, loopback), prints the result on its own console,
 * then sends two lines through it. */
void emul_uart_test(uint16_t port, const char *name);

/* HC_CONSOLE_READ of partition name: prints the byte count (or the
 * error) and each line read as "console_read NAME| text". */
void console_read_test(const char *name);

/* HC_CONSOLE_READ with bad arguments, one of each kind, and prints the
 * results on one line; ram_end: the end of its RAM (guest 0 onwards). */
void console_read_bad_test(const char *name, uint64_t ram_end);

#endif
