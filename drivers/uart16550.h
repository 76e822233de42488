/* 16550-compatible UART on an I/O port base (COM1 0x3F8, COM2 0x2F8, ...). */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include "hv/types.h"

#define UART_COM1 0x3F8
#define UART_COM2 0x2F8
#define UART_COM3 0x3E8
#define UART_COM4 0x2E8

struct uart {
    uint16_t port;
    bool present;
};

/* Probes the scratch register and programs 115200 8N1, FIFOs on.
 * Returns false (and leaves the port alone) when no UART answers. */
bool uart_init(struct uart *u, uint16_t port);

/* Writes one byte, waiting for the transmit holding register; "\n" is sent
 * as "\r\n". Does nothing when the UART is absent. */
void uart_putc(struct uart *u, char c);

#endif
