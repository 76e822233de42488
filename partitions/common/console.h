/* Polled 16550 console and formatted output, a whole line at a time:
 * "[prefix] text\r\n". Polled, so it works with IF=0 and needs nothing
 * from the hypervisor but the port range. */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>
#include <stdint.h>

#define COM1_PORT 0x3F8
#define COM2_PORT 0x2F8
#define COM3_PORT 0x3E8
#define COM4_PORT 0x2E8

/* 115200 8N1, FIFOs on, no interrupts; port 0 = no console. prefix: the
 * line prefix without brackets until console_set_prefix changes it. */
void console_init(uint16_t port, const char *prefix);

/* Copied (at most 32 characters): the partition name, "rtos-bare", ... */
void console_set_prefix(const char *name);

/* Prints one whole line. Supports %d %u %x %c %s %%, the flag 0, a width,
 * and l/ll (ll = 64-bit). */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same, in pieces: say_begin() takes the line lock and prints the
 * prefix, say_more() appends, say_end() ends the line and lets go. For
 * lines too long to build in one call (histograms). */
void say_begin(void);
void say_more(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say_vmore(const char *fmt, va_list ap);
void say_end(void);

/* The line lock, one per kernel, as each has its own idea of who else may
 * print (other CPUs; interrupts). The lock must let a line started inside
 * another on the same CPU (an exception or NMI report) through at once:
 * the console calls console_line_unlock only when the outermost line
 * ends, with what console_line_lock returned for that one. */
uint32_t console_line_lock(void);
void console_line_unlock(uint32_t held);

#endif
