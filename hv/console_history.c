/* See console_history.h. */
#include "hv/console_history.h"

#define MASK (CONSOLE_HISTORY_BYTES - 1)

_Static_assert((CONSOLE_HISTORY_BYTES & MASK) == 0, "CONSOLE_HISTORY_BYTES must be a power of two");

void console_history_put(struct console_history *h, char c) { h->buf[h->written++ & MASK] = c; }

uint32_t console_history_copy(const struct console_history *h, char *out, uint32_t cap)
{
    uint64_t kept = h->written < CONSOLE_HISTORY_BYTES ? h->written : CONSOLE_HISTORY_BYTES;
    uint32_t n = kept < cap ? (uint32_t)kept : cap;
    uint64_t from = h->written - n;
    for (uint32_t i = 0; i < n; i++)
        out[i] = h->buf[(from + i) & MASK];
    return n;
}
