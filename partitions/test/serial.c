/* Polled 16550 console: no interrupts, so it works with IF=0 throughout
 * and needs nothing from the hypervisor but the port range. */
#include "partitions/test/serial.h"
#include "partitions/test/cpu.h"

enum { THR = 0, DLL = 0, IER = 1, DLM = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
#define LSR_THRE 0x20
#define LCR_DLAB 0x80

static uint16_t serial_port;

void serial_init(uint16_t port)
{
    serial_port = port;
    outb(port + IER, 0);
    outb(port + LCR, LCR_DLAB);
    outb(port + DLL, 1); /* 115200 = 1.8432 MHz / 16 / 1 */
    outb(port + DLM, 0);
    outb(port + LCR, 0x03); /* 8N1 */
    outb(port + FCR, 0xC7); /* enable and clear FIFOs */
    outb(port + MCR, 0x03); /* DTR, RTS; OUT2 off: no IRQ line */
}

void serial_putc(char c)
{
    if (!serial_port)
        return;
    /* Bounded: a port the hypervisor does not back must not hang us
     * (absent ports usually read 0xFF, which looks ready anyway). */
    for (uint32_t i = 0; i < 1000000 && !(inb(serial_port + LSR) & LSR_THRE); i++)
        cpu_relax();
    outb(serial_port + THR, (uint8_t)c);
}
