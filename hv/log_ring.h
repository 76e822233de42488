/* A partition's log ring: the lines it gave HC_CONSOLE_WRITE, waiting to
 * be written to the hypervisor's log UART (hv/console.c drains them).
 * Bounded: a line that does not fit is dropped whole and counted, and a
 * "[N bytes dropped]" notice takes its place in the order of lines.
 * Single-threaded logic (the caller locks); compiled on the host too
 * (tests/unit/test_log_ring.c). */
#ifndef HV_LOG_RING_H
#define HV_LOG_RING_H

#include "hv/types.h"

#define LOG_RING_BYTES 4096 /* a power of two */
#define LOG_RING_LINE_MAX 256 /* longest line kept (HV_CONSOLE_MAX) */

struct log_ring {
    char buf[LOG_RING_BYTES];
    uint32_t head;         /* bytes ever stored: lines, each ending in '\n' */
    uint32_t tail;         /* bytes ever taken */
    uint32_t dropped;      /* bytes refused since the pending notice began (0: none pending) */
    uint32_t drop_at;      /* head when the first of them was refused: the notice goes there */
    uint64_t dropped_total;
};

/* Stores text[0..len) as one line (len <= LOG_RING_LINE_MAX, no '\n' in
 * it), or drops it whole when it does not fit. Returns true if stored. */
bool log_ring_put(struct log_ring *r, const char *text, uint32_t len);

/* Takes the oldest item into out (NUL-terminated, no '\n'): a line, or
 * the drop notice due before the next line. Returns its length, or -1
 * when there is nothing. cap must exceed LOG_RING_LINE_MAX. */
int log_ring_take(struct log_ring *r, char *out, uint32_t cap);

static inline bool log_ring_empty(const struct log_ring *r) { return r->head == r->tail && !r->dropped; }

#endif
