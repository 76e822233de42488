/* printf-style formatting into a buffer (hv/fmt.c), pure and host-tested.
 * Conversions: %d %i %u %x %X %o %c %s %p %%; flags '-' '0' '+' ' ' '#';
 * field width and precision (numbers or '*'); length modifiers hh h l ll z.
 * %p prints 0x followed by 16 hex digits. NULL %s prints "(null)".
 * Returns the length the full output would have (C99 semantics); the
 * buffer is always terminated when size > 0. */
#ifndef HV_FMT_H
#define HV_FMT_H

#include <stdarg.h>
#include "hv/types.h"

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif
