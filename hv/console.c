/* Hypervisor console: formats into a local buffer, then writes the whole
 * text under one lock so lines from different CPUs stay intact. */
#include "hv/console.h"

#include <stdarg.h>

#include "arch/x86/cpu.h"
#include "drivers/uart16550.h"
#include "hv/fmt.h"
#include "hv/spinlock.h"
#include "hv/string.h"

#define CONSOLE_LINE_MAX 512
#define DEBUGCON_PORT 0xE9

static struct uart log_uart;
static struct uart com1_uart;
static bool com1_free = true;
static bool mirror_debugcon;
static spinlock_t console_lock;

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

static void put_prefixed(struct uart *u, bool debugcon, const char *text)
{
    bool line_start = true;
    for (const char *p = text; *p; p++) {
        if (line_start) {
            for (const char *q = "[hv] "; *q; q++) {
                uart_putc(u, *q);
                if (debugcon)
                    outb(DEBUGCON_PORT, (uint8_t)*q);
            }
        }
        uart_putc(u, *p);
        if (debugcon)
            outb(DEBUGCON_PORT, (uint8_t)*p);
        line_start = (*p == '\n');
    }
    if (!line_start) {
        uart_putc(u, '\n');
        if (debugcon)
            outb(DEBUGCON_PORT, '\n');
    }
}

static void console_emit(bool fatal, const char *fmt, va_list ap)
{
    char buf[CONSOLE_LINE_MAX];
    fmt_vsnprintf(buf, sizeof buf, fmt, ap);
    spin_lock(&console_lock);
    put_prefixed(&log_uart, mirror_debugcon, buf);
    if (fatal && com1_free && log_uart.port != UART_COM1)
        put_prefixed(&com1_uart, !mirror_debugcon, buf);
    spin_unlock(&console_lock);
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

void console_release_com1(void) { com1_free = false; }

void console_force_unlock(void) { spin_unlock(&console_lock); }
