/* See emul_console.h. Addresses are guest-physical as they are: this
 * kernel runs with paging off. */
#include "partitions/test/emul_console.h"
#include "include/vmrpc_abi.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/hv.h"
#include "partitions/common/lib.h"

#define REG_THR 0
#define REG_IER 1
#define REG_IIR_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_MSR 6
#define REG_SCR 7
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define MCR_LOOP 0x10

/* The checks of Linux's 8250 autoconfig (drivers/tty/serial/8250/
 * 8250_port.c), each true on a 16550A. */
static void probe(uint16_t port)
{
    outb(port + REG_SCR, 0x5A);
    int scratch = inb(port + REG_SCR) == 0x5A;
    outb(port + REG_IER, 0);
    int ier = (inb(port + REG_IER) & 0x0F) == 0;
    outb(port + REG_IER, 0x0F);
    ier = ier && (inb(port + REG_IER) & 0x0F) == 0x0F;
    outb(port + REG_IER, 0);
    outb(port + REG_IIR_FCR, 0x07); /* FIFOs on, both cleared */
    int fifo = inb(port + REG_IIR_FCR) >> 6 == 3;
    outb(port + REG_MCR, MCR_LOOP | 0x0A);
    int loop = (inb(port + REG_MSR) & 0xF0) == 0x90;
    outb(port + REG_THR, 'L');
    loop = loop && (inb(port + REG_LSR) & LSR_DR) && inb(port + REG_THR) == 'L';
    outb(port + REG_MCR, 0x0B); /* DTR, RTS, OUT2 */
    outb(port + REG_LCR, 0x83); /* DLAB: 115200 baud, then 8N1 */
    outb(port + REG_THR, 1);
    outb(port + REG_IER, 0);
    outb(port + REG_LCR, 0x03);
    say("emul_uart 0x%x: scratch %s, ier %s, fifo %s, loopback %s, lsr 0x%x, iir 0x%x", port, scratch ? "ok" : "BAD",
        ier ? "ok" : "BAD", fifo ? "16550A" : "BAD", loop ? "ok" : "BAD", inb(port + REG_LSR),
        inb(port + REG_IIR_FCR));
}

static void send(uint16_t port, const char *s)
{
    for (; *s; s++) {
        while (!(inb(port + REG_LSR) & LSR_THRE))
            cpu_relax();
        outb(port + REG_THR, (uint8_t)*s);
    }
}

void emul_uart_test(uint16_t port, const char *name)
{
    probe(port);
    send(port, "hello from ");
    send(port, name);
    send(port, " through an emulated 16550\r\n");
    send(port, "second line \x1b[31mcolour\x1b[0m\r\n");
    say("emul_uart 0x%x: 2 lines sent", port);
}

static char name_buf[HV_NAME_MAX];
static char read_buf[HV_CONSOLE_HISTORY + 1];

static int32_t console_read(const char *name, uint32_t name_gpa, uint32_t gpa, uint32_t len)
{
    for (uint32_t i = 0; i < HV_NAME_MAX; i++)
        name_buf[i] = i < kstrlen(name) ? name[i] : 0;
    return hc(HC_CONSOLE_READ, name_gpa, gpa, len, 0);
}

void console_read_test(const char *name)
{
    int32_t n = console_read(name, (uint32_t)name_buf, (uint32_t)read_buf, HV_CONSOLE_HISTORY);
    if (n < 0) {
        say("console_read %s: error %d", name, n);
        return;
    }
    say("console_read %s: %d bytes", name, n);
    read_buf[n] = 0;
    char *line = read_buf;
    for (int32_t i = 0; i <= n; i++) {
        char c = read_buf[i];
        if (c == '\n' || (i == n && line != read_buf + n)) {
            read_buf[i] = 0;
            say("console_read %s| %s", name, line);
            line = read_buf + i + 1;
        } else if (c == '\r') {
            read_buf[i] = 0;
        } else if (i < n && (c < 0x20 || c >= 0x7F)) {
            read_buf[i] = '.';
        }
    }
}

void console_read_bad_test(const char *name, uint64_t ram_end)
{
    uint32_t end = ram_end > 0xFFFFF000u ? 0xFFFFF000u : (uint32_t)ram_end;
    uint32_t name_gpa = (uint32_t)name_buf, buf = (uint32_t)read_buf;
    int32_t outside = console_read(name, name_gpa, 0xFFFFF000u, 64);
    int32_t straddling = console_read(name, name_gpa, end - 16, 64);
    int32_t name_outside = console_read(name, end - 8, buf, 64);
    int32_t zero = console_read(name, name_gpa, buf, 0);
    int32_t unknown = console_read("nosuch", name_gpa, buf, 64);
    for (uint32_t i = 0; i < HV_NAME_MAX; i++)
        name_buf[i] = 'x';
    int32_t unterminated = hc(HC_CONSOLE_READ, name_gpa, buf, 64, 0);
    say("console_read_bad %s: outside_ram %d, straddling_end %d, name_outside %d, zero_len %d, unknown %d, "
        "unterminated %d", name, outside, straddling, name_outside, zero, unknown, unterminated);
}
