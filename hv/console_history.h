/* What a partition sent through its emulated UART, kept for the manager
 * partition to read (HC_CONSOLE_READ): the newest CONSOLE_HISTORY_BYTES
 * bytes, older ones overwritten. Unlike hv/log_ring.h (lines waiting for
 * the log UART, taken once), reading does not consume: every read gets
 * the latest text. Single-threaded logic (the caller locks); compiled on
 * the host too (tests/unit/test_uart_model.c). */
#ifndef HV_CONSOLE_HISTORY_H
#define HV_CONSOLE_HISTORY_H

#include "hv/types.h"

#define CONSOLE_HISTORY_BYTES 4096 /* a power of two */

struct console_history {
    char buf[CONSOLE_HISTORY_BYTES];
    uint64_t written; /* bytes ever appended */
};

void console_history_put(struct console_history *h, char c);

/* Copies the newest min(cap, kept) bytes, oldest first, to out; returns
 * how many. */
uint32_t console_history_copy(const struct console_history *h, char *out, uint32_t cap);

#endif
