/* 16550 UART driver: polled transmit only (the hypervisor never reads its
 * console). Register layout per the PC16550D data sheet. */
#include "drivers/uart16550.h"

#include "arch/x86/cpu.h"

#define REG_THR 0 /* transmit holding (DLAB=0) */
#define REG_DLL 0 /* divisor latch low (DLAB=1) */
#define REG_IER 1
#define REG_DLM 1
#define REG_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_SCR 7

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0B
#define DIVISOR_115200 1

/* A bounded wait: a UART that never drains must not hang the hypervisor. */
#define TX_SPIN_LIMIT 100000

bool uart_init(struct uart *u, uint16_t port)
{
    u->port = port;
    outb(port + REG_SCR, 0x5A);
    if (inb(port + REG_SCR) != 0x5A) {
        u->present = false;
        return false;
    }
    outb(port + REG_IER, 0x00);
    outb(port + REG_LCR, LCR_DLAB);
    outb(port + REG_DLL, DIVISOR_115200);
    outb(port + REG_DLM, 0);
    outb(port + REG_LCR, LCR_8N1);
    outb(port + REG_FCR, FCR_ENABLE_CLEAR);
    outb(port + REG_MCR, MCR_DTR_RTS_OUT2);
    u->present = true;
    return true;
}

static void uart_put_raw(struct uart *u, char c)
{
    for (int i = 0; i < TX_SPIN_LIMIT && !(inb(u->port + REG_LSR) & LSR_THRE); i++)
        cpu_relax();
    outb(u->port + REG_THR, (uint8_t)c);
}

void uart_putc(struct uart *u, char c)
{
    if (!u->present)
        return;
    if (c == '\n')
        uart_put_raw(u, '\r');
    uart_put_raw(u, c);
}
