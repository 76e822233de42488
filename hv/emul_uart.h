/* Each partition's emulated UART (cfg emul_uart_port): the 16550 model
 * of hv/uart_model.h behind a lock (a partition's CPUs share it), what it
 * transmits cut into lines for the hypervisor log ("[hv] NAME: text",
 * through the partition's log ring, hv/console.h) and kept in a history
 * the manager partition reads (HC_CONSOLE_READ, hv/console_history.h).
 * Core code: vmx/exit_io.c decodes the exit and calls in here. */
#ifndef HV_EMUL_UART_H
#define HV_EMUL_UART_H

#include "hv/partition.h"

/* A read or write of register reg (0-7) of partition p's UART. */
uint8_t emul_uart_in(const struct partition *p, unsigned reg);
void emul_uart_out(const struct partition *p, unsigned reg, uint8_t value);

/* Copies the newest min(cap, kept) bytes partition id's UART sent (up to
 * 4 KiB kept), oldest first, into out; returns how many. */
uint32_t emul_uart_history(uint32_t id, char *out, uint32_t cap);

#endif
