/* Hypervisor console: formats into a local buffer, then writes it one
 * line per hold of console_lock, a ticket lock (FIFO), so lines from
 * different CPUs stay intact and a CPU waits for at most one line of each
 * CPU queued before it. Partition text (HC_CONSOLE_WRITE) goes through a
 * bounded ring per partition, drained line by line by that partition's
 * own CPU (console_partition_drain). */
#include "hv/console.h"

#include <stdarg.h>

#include "arch/x86/cpu.h"
#include "arch/x86/platform.h"
#include "drivers/uart16550.h"
#include "hv/config.h"
#include "hv/fmt.h"
#include "hv/log_ring.h"
#include "hv/percpu.h"
#include "hv/spinlock.h"
#include "hv/string.h"

#define CONSOLE_LINE_MAX 512
#define DEBUGCON_PORT 0xE9
#define UART_PORTS 8 /* a 16550's registers: base .. base + 7 */

static struct uart log_uart;
static struct uart com1_uart;
static bool com1_free = true;
static bool mirror_debugcon;
static spinlock_t console_lock;
/* Set by console_panic_take: the panicking CPU writes without the lock;
 * the others queue on it and are stopped there. */
static volatile bool panic_owned;
static uint32_t panic_cpu;

/* HC_CONSOLE_WRITE's lines of one partition, waiting for the log UART. */
struct partition_log {
    spinlock_t lock;           /* guards ring */
    volatile uint32_t draining; /* a CPU of the partition is draining it: lines leave in order */
    struct log_ring ring;
};
static struct partition_log partition_logs[CFG_MAX_PARTITIONS];

static const struct {
    const char *name;
    uint16_t port;
} known_ports[] = {
    {"com1", UART_COM1},
    {"com2", UART_COM2},
    {"com3", UART_COM3},
    {"com4", UART_COM4},
};

static bool parse_port(const char *spec, uint16_t *port)
{
    for (size_t i = 0; i < ARRAY_SIZE(known_ports); i++) {
        if (strcmp(spec, known_ports[i].name) == 0) {
            *port = known_ports[i].port;
            return true;
        }
    }
    if (spec[0] != '0' || (spec[1] != 'x' && spec[1] != 'X') || spec[2] == '\0')
        return false;
    uint32_t v = 0;
    for (const char *p = spec + 2; *p; p++) {
        int d = (*p >= '0' && *p <= '9') ? *p - '0'
                : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
                : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
                                           : -1;
        if (d < 0 || v > 0xFFF)
            return false;
        v = v * 16 + (uint32_t)d;
    }
    *port = (uint16_t)v;
    return true;
}

bool console_init(const char *spec, bool mirror_e9)
{
    uint16_t port = UART_COM2;
    bool understood = true;
    mirror_debugcon = mirror_e9;
    if (spec && strcmp(spec, "none") == 0) {
        log_uart.present = false;
    } else {
        if (spec && spec[0] && !parse_port(spec, &port))
            understood = false;
        uart_init(&log_uart, port);
    }
    if (log_uart.present && log_uart.port == UART_COM1)
        com1_uart = log_uart;
    else
        uart_init(&com1_uart, UART_COM1);
    return understood;
}

static void put_char(struct uart *u, bool debugcon, char c)
{
    uart_putc(u, c);
    if (debugcon)
        outb(DEBUGCON_PORT, (uint8_t)c);
}

/* Writes the line starting at text (up to '\n' or the end) with the
 * prefix; returns where the next line starts. */
static const char *put_line(struct uart *u, bool debugcon, const char *text)
{
    for (const char *q = "[hv] "; *q; q++)
        put_char(u, debugcon, *q);
    while (*text && *text != '\n')
        put_char(u, debugcon, *text++);
    put_char(u, debugcon, '\n');
    return *text ? text + 1 : text;
}

static bool panic_writer(void)
{
    return __atomic_load_n(&panic_owned, __ATOMIC_ACQUIRE) && this_cpu()->index == panic_cpu;
}

/* One hold of console_lock per line: a long message (exit statistics)
 * lets the other CPUs' lines in between, each of which stays whole. */
static void console_emit(bool fatal, const char *fmt, va_list ap)
{
    char buf[CONSOLE_LINE_MAX];
    fmt_vsnprintf(buf, sizeof buf, fmt, ap);
    bool locked = !panic_writer();
    const char *line = buf;
    while (*line) {
        if (locked)
            spin_lock(&console_lock);
        const char *next = put_line(&log_uart, mirror_debugcon, line);
        if (fatal && com1_free && log_uart.port != UART_COM1)
            put_line(&com1_uart, !mirror_debugcon, line);
        if (locked)
            spin_unlock(&console_lock);
        line = next;
    }
}

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    console_emit(false, fmt, ap);
    va_end(ap);
}

void printk_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    console_emit(true, fmt, ap);
    va_end(ap);
}

static bool range_holds_uart(const struct cfg_io *io, uint16_t base)
{
    return io->base < base + UART_PORTS && base < io->base + io->count;
}

void console_partitions_starting(void)
{
    for (uint32_t i = 0; i < hv_config.partition_count; i++) {
        const struct cfg_partition *c = &hv_config.partitions[i];
        for (uint32_t k = 0; k < c->io_count; k++) {
            if (com1_free && range_holds_uart(&c->io[k], UART_COM1)) {
                __atomic_store_n(&com1_free, false, __ATOMIC_RELEASE);
                printk("console: COM1 belongs to partition '%s': fatal messages stay on this log", c->name);
            }
        }
    }
}

void console_panic_take(void)
{
    /* The longest hold is one line of CONSOLE_LINE_MAX characters: 45 ms
     * at 115200 baud. Waiting 100 ms lets a live holder finish; a CPU
     * that died holding the lock is then written over. */
    uint64_t wait = platform.tsc_hz ? platform.tsc_hz / 10 : 300000000ull;
    spin_lock_until(&console_lock, rdtsc() + wait);
    panic_cpu = this_cpu()->index;
    __atomic_store_n(&panic_owned, true, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------ partition text */

void console_partition_put(uint32_t id, const char *text, uint32_t len)
{
    struct partition_log *pl = &partition_logs[id];
    spin_lock(&pl->lock);
    log_ring_put(&pl->ring, text, len);
    spin_unlock(&pl->lock);
}

static int take_line(struct partition_log *pl, char *out, uint32_t cap)
{
    spin_lock(&pl->lock);
    int n = log_ring_take(&pl->ring, out, cap);
    spin_unlock(&pl->lock);
    return n;
}

static bool ring_empty(struct partition_log *pl)
{
    spin_lock(&pl->lock);
    bool empty = log_ring_empty(&pl->ring);
    spin_unlock(&pl->lock);
    return empty;
}

void console_partition_drain(uint32_t id, const char *name)
{
    struct partition_log *pl = &partition_logs[id];
    char line[LOG_RING_LINE_MAX + 1];
    uint32_t budget = LOG_RING_BYTES;
    while (budget && !__atomic_exchange_n(&pl->draining, 1, __ATOMIC_ACQUIRE)) {
        int n;
        while (budget && (n = take_line(pl, line, sizeof line)) >= 0) {
            printk("%s: %s", name, line);
            budget = (uint32_t)n + 1 >= budget ? 0 : budget - (uint32_t)n - 1;
        }
        __atomic_store_n(&pl->draining, 0, __ATOMIC_RELEASE);
        /* A line another CPU of the partition put after our last take,
         * while we still held `draining`, found no drainer: look again. */
        if (ring_empty(pl))
            break;
    }
}
