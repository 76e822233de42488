/* Formatted console output. Every line goes out as "[<name>] text\r\n". */
#ifndef TESTPART_PRINT_H
#define TESTPART_PRINT_H

#include <stdarg.h>

/* The partition name in the line prefix (copied; default "test"). */
void log_set_name(const char *name);
const char *log_name(void);

/* Prints one whole line: prefix, formatted text, CR LF. Supports %d %u
 * %x %c %s %%, the flag 0, a width, and the l/ll length modifiers (ll =
 * 64-bit). Lines from different CPUs do not interleave. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
