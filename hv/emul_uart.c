/* See emul_uart.h. A line ends at '\n' or at LOG_RING_LINE_MAX bytes;
 * '\r' is dropped from the log line (kept in the history), other control
 * bytes become '.' there, as HC_CONSOLE_WRITE does. */
#include "hv/emul_uart.h"

#include "hv/console.h"
#include "hv/console_history.h"
#include "hv/log_ring.h"
#include "hv/spinlock.h"
#include "hv/uart_model.h"

struct emul_uart {
    spinlock_t lock;
    bool ready; /* reset at first use */
    struct uart_model model;
    uint32_t line_len;
    char line[LOG_RING_LINE_MAX];
    struct console_history history;
};

static struct emul_uart emul_uarts[CFG_MAX_PARTITIONS];

_Static_assert(CONSOLE_HISTORY_BYTES == HV_CONSOLE_HISTORY, "the ABI's history size is the ring's");

static struct emul_uart *locked(uint32_t id)
{
    struct emul_uart *u = &emul_uarts[id];
    spin_lock(&u->lock);
    if (!u->ready) {
        uart_reset(&u->model);
        u->ready = true;
    }
    return u;
}

uint8_t emul_uart_in(const struct partition *p, unsigned reg)
{
    struct emul_uart *u = locked(p->id);
    uint8_t v = uart_in(&u->model, reg);
    spin_unlock(&u->lock);
    return v;
}

/* Adds a transmitted byte; true when it completed a log line (now in the
 * partition's log ring). */
static bool transmit(uint32_t id, struct emul_uart *u, char c)
{
    console_history_put(&u->history, c);
    if (c == '\r')
        return false;
    if (c != '\n') {
        u->line[u->line_len++] = (c >= 0x20 && c < 0x7F) || c == '\t' ? c : '.';
        if (u->line_len < LOG_RING_LINE_MAX)
            return false;
    }
    console_partition_put(id, u->line, u->line_len);
    u->line_len = 0;
    return true;
}

void emul_uart_out(const struct partition *p, unsigned reg, uint8_t value)
{
    struct emul_uart *u = locked(p->id);
    int sent = uart_out(&u->model, reg, value);
    bool line = sent >= 0 && transmit(p->id, u, (char)sent);
    spin_unlock(&u->lock);
    /* Its own CPU writes the line to the log, outside the model's lock. */
    if (line)
        console_partition_drain(p->id, p->cfg->name);
}

uint32_t emul_uart_history(uint32_t id, char *out, uint32_t cap)
{
    struct emul_uart *u = locked(id);
    uint32_t n = console_history_copy(&u->history, out, cap);
    spin_unlock(&u->lock);
    return n;
}
