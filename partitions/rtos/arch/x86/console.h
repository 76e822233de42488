/* Polled 16550 console and formatted output. */
#ifndef RTOS_X86_CONSOLE_H
#define RTOS_X86_CONSOLE_H

#include <stdarg.h>
#include <stdint.h>

#define COM1_PORT 0x3F8
#define COM2_PORT 0x2F8
#define COM3_PORT 0x3E8
#define COM4_PORT 0x2E8

/* 115200 8N1, FIFOs on, no interrupts; port 0 = no console. */
void console_init(uint16_t port);

/* The line prefix without brackets ("rtos", "rtos-bare"); copied. */
void console_set_prefix(const char *name);

/* Prints one whole line: "[prefix] text\r\n". Supports %d %u %x %c %s %%,
 * the flag 0, a width, and l/ll (ll = 64-bit). Interrupts are masked for
 * the line, so lines from different tasks never interleave; that costs
 * the line's transmission time in latency, so time-critical code prints
 * only after measuring. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same, in pieces: say_begin() masks interrupts and prints the
 * prefix, say_more() appends, say_end() ends the line and unmasks. For
 * lines too long to build in one call (histograms). */
void say_begin(void);
void say_more(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say_vmore(const char *fmt, va_list ap);
void say_end(void);

#endif
