/* See log_ring.h. head and tail count bytes forever (they wrap at 2^32,
 * a multiple of LOG_RING_BYTES): used = head - tail. */
#include "hv/log_ring.h"

#include "hv/fmt.h"

#define RING_MASK (LOG_RING_BYTES - 1)

_Static_assert((LOG_RING_BYTES & RING_MASK) == 0, "LOG_RING_BYTES must be a power of two");

bool log_ring_put(struct log_ring *r, const char *text, uint32_t len)
{
    if (len > LOG_RING_LINE_MAX)
        len = LOG_RING_LINE_MAX;
    if (LOG_RING_BYTES - (r->head - r->tail) < len + 1) {
        if (!r->dropped)
            r->drop_at = r->head;
        r->dropped += len + 1;
        r->dropped_total += len + 1;
        return false;
    }
    for (uint32_t i = 0; i < len; i++)
        r->buf[(r->head + i) & RING_MASK] = text[i];
    r->buf[(r->head + len) & RING_MASK] = '\n';
    r->head += len + 1;
    return true;
}

int log_ring_take(struct log_ring *r, char *out, uint32_t cap)
{
    if (r->dropped && r->tail == r->drop_at) {
        int n = fmt_snprintf(out, cap, "[%u bytes dropped]", r->dropped);
        r->dropped = 0;
        return n;
    }
    if (r->head == r->tail)
        return -1;
    uint32_t n = 0;
    char c;
    while ((c = r->buf[(r->tail + n) & RING_MASK]) != '\n') {
        if (n + 1 < cap)
            out[n] = c;
        n++;
    }
    r->tail += n + 1;
    if (n + 1 > cap)
        n = cap - 1;
    out[n] = '\0';
    return (int)n;
}
