/* Polled 16550 UART console. */
#ifndef TESTPART_SERIAL_H
#define TESTPART_SERIAL_H

#include <stdint.h>

#define COM1_PORT 0x3F8
#define COM2_PORT 0x2F8
#define COM3_PORT 0x3E8
#define COM4_PORT 0x2E8

void serial_init(uint16_t port); /* 115200 8N1, FIFOs on, no interrupts */
void serial_putc(char c);

#endif
