/* An emulated 16550A UART: the register file a partition sees at the
 * eight ports of its config's emul_uart_port (vmx/exit_io.c reaches it
 * through the dispatch generated at build time, tools/gen_io_dispatch.c).
 * Registers after the National Semiconductor PC16550D datasheet, Table
 * II; what Linux's 8250 driver probes (scratch register, FIFO bits of
 * IIR, the loopback test of MCR/MSR) answers as on a 16550A.
 *
 * The line is infinitely fast: a byte written to THR leaves at once
 * (uart_out returns it to the caller), so LSR always has THRE and TEMT
 * set and nothing ever waits. Nothing arrives from outside: RBR gets
 * bytes only in loopback mode (MCR bit 4), through a 16-byte FIFO (one
 * byte with FIFOs off) whose overflow sets LSR's overrun bit. The modem
 * lines of a connected cable read CTS, DSR and DCD set. IIR reports the
 * pending condition the enabled interrupts (IER) select, by the
 * datasheet's priorities, but no interrupt is ever raised: the model has
 * no line to a partition's IOAPIC pin, so a driver polls (Linux does
 * when it finds no IRQ). Baud rate, word length, parity and stop bits
 * are stored and read back, and change nothing. Pure; host-tested
 * (tests/unit/test_uart_model.c). */
#ifndef HV_UART_MODEL_H
#define HV_UART_MODEL_H

#include "hv/types.h"

#define UART_REGS 8
#define UART_FIFO_BYTES 16

/* Register offsets (DLAB = LCR bit 7 switches 0 and 1 to the divisor). */
#define UART_RBR_THR 0 /* DLAB 0: receive buffer (read), transmit holding (write) */
#define UART_IER 1     /* DLAB 0: interrupt enable */
#define UART_DLL 0     /* DLAB 1: divisor latch, low byte */
#define UART_DLM 1     /* DLAB 1: divisor latch, high byte */
#define UART_IIR_FCR 2 /* interrupt identification (read), FIFO control (write) */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_LCR_DLAB 0x80
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01   /* data ready */
#define UART_LSR_OE 0x02   /* overrun */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_LSR_TEMT 0x40 /* transmitter empty */
#define UART_IIR_NONE 0x01 /* no interrupt pending */
#define UART_IIR_FIFOS 0xC0
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02

struct uart_model {
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    uint8_t lsr_errors;   /* OE, cleared by a read of LSR */
    uint8_t msr_deltas;   /* MSR bits 3-0, cleared by a read of MSR */
    uint8_t fcr;          /* FIFO enable and trigger level as written */
    bool thre_pending;    /* the THRE interrupt condition (cleared by reading IIR or writing THR) */
    uint8_t rx[UART_FIFO_BYTES];
    uint8_t rx_head, rx_count;
};

/* The state after a reset (MR pin): every register 0 but LSR's THRE and
 * TEMT; divisor 0 (a driver sets one). */
void uart_reset(struct uart_model *u);

/* A read of register reg (0-7). Reading has the datasheet's side
 * effects: RBR pops a byte, LSR clears OE, MSR clears its delta bits,
 * IIR clears a THRE condition it reports. */
uint8_t uart_in(struct uart_model *u, unsigned reg);

/* A write of value to register reg (0-7). Returns the byte transmitted
 * (0-255) when the write sent one on the line, else -1 (also in loopback
 * mode, where the byte went to the receive FIFO instead). */
int uart_out(struct uart_model *u, unsigned reg, uint8_t value);

#endif
