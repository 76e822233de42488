/* A polled driver for the Bochs/Etherboot pseudo-NIC ("pcipnic", PCI
 * fefe:efef): one 16-port I/O BAR, no DMA, one command at a time. The
 * register layout is Etherboot's pnic_api.h: at the BAR, STATUS (read) /
 * COMMAND (write), 16 bits; +2 LENGTH, 16 bits; +4 DATA, 8 bits. A
 * command's input bytes go to DATA after LENGTH is written, and its
 * output (length in LENGTH) is read back from DATA. Bochs stops the whole
 * emulator (BX_PANIC) when a command's input is short or DATA is read or
 * written past LENGTH, so every command here writes LENGTH first and
 * never reads more than LENGTH says. Interrupts are masked on the device
 * (PNIC_CMD_MASK_IRQ): the driver polls, and its INTx line stays quiet. */
#ifndef RTOS_DRIVERS_PNIC_H
#define RTOS_DRIVERS_PNIC_H

#include <stdint.h>

#define PNIC_PCI_VENDOR 0xFEFE
#define PNIC_PCI_DEVICE 0xEFEF

#define PNIC_REG_CMD 0x00  /* write */
#define PNIC_REG_STAT 0x00 /* read */
#define PNIC_REG_LEN 0x02
#define PNIC_REG_DATA 0x04

#define PNIC_CMD_API_VER 0x0001
#define PNIC_CMD_READ_MAC 0x0002
#define PNIC_CMD_RESET 0x0003
#define PNIC_CMD_XMIT 0x0004
#define PNIC_CMD_MASK_IRQ 0x0007

#define PNIC_STATUS_OK 0x4F4B /* "OK" */
#define PNIC_MAX_FRAME 1514   /* an Ethernet frame without its FCS */

struct pnic {
    uint16_t io;         /* the I/O BAR's base port */
    uint16_t api_version;
    uint8_t mac[6];
};

/* Resets the device (flushes its receive queue), reads the API version
 * and the MAC address, and masks its interrupt. 0, or the failing
 * command's status (never PNIC_STATUS_OK) after printing why. */
int pnic_init(struct pnic *nic, uint16_t io);

/* Transmits one frame of len bytes (destination MAC first, no FCS; at
 * most PNIC_MAX_FRAME): LENGTH, the bytes to DATA, COMMAND. Returns the
 * device's status, PNIC_STATUS_OK when the frame went out. Port I/O only:
 * no VM exit when the partition owns the BAR's ports. */
uint16_t pnic_transmit(const struct pnic *nic, const void *frame, uint16_t len);

#endif
