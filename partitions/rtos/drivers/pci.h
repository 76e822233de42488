/* PCI configuration space through configuration mechanism #1 (ports
 * 0xCF8/0xCFC, PCI Local Bus Specification 3.0, 3.2.2.3.2), for the
 * RTOS's device drivers. Bare metal these reach the chipset; in a
 * partition each access is a VM exit answered by the hypervisor's
 * emulated configuration space (the partition's own functions only), so
 * drivers use them at initialisation only, never on a real-time path.
 * Only bus 0 is scanned (no bridges are followed). */
#ifndef RTOS_DRIVERS_PCI_H
#define RTOS_DRIVERS_PCI_H

#include <stdint.h>

#define PCI_CFG_ADDRESS 0xCF8
#define PCI_CFG_DATA 0xCFC

/* Type 0 header offsets (PCI LB 3.0, 6.1). */
#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_HEADER_TYPE 0x0E
#define PCI_BAR0 0x10
#define PCI_BARS 6
#define PCI_INTERRUPT_LINE 0x3C

#define PCI_COMMAND_IO 0x0001     /* I/O space enable (6.2.2) */
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_VENDOR_NONE 0xFFFF    /* no function there: reads float high */

/* bus:device.function, as hv/config.h's PCI_BDF. */
typedef uint16_t pci_bdf_t;
#define PCI_MAKE_BDF(bus, dev, fn) ((pci_bdf_t)(((bus) << 8) | ((dev) << 3) | (fn)))
#define PCI_BDF_BUS(b) ((unsigned)(b) >> 8)
#define PCI_BDF_DEV(b) (((unsigned)(b) >> 3) & 0x1F)
#define PCI_BDF_FN(b) ((unsigned)(b) & 7)

/* Pure encodings, host-tested (tests/unit/test_rtos_fieldbus.c). */

/* The CONFIG_ADDRESS value for a dword-aligned register: enable bit 31,
 * bus 23:16, device 15:11, function 10:8, register 7:2 (3.2.2.3.2). */
static inline uint32_t pci_cfg_address(pci_bdf_t bdf, uint8_t offset)
{
    return 0x80000000u | ((uint32_t)bdf << 8) | (offset & 0xFCu);
}

/* An I/O BAR's port base (bit 0 set, bits 1 reserved: 6.2.5.1), or 0 for
 * a memory BAR or an I/O BAR the firmware left unassigned. */
static inline uint16_t pci_bar_io_base(uint32_t bar)
{
    if (!(bar & 1u))
        return 0;
    uint32_t base = bar & ~3u;
    return base > 0xFFFFu ? 0 : (uint16_t)base;
}

/* Hardware access (drivers/pci.c). Not reentrant (one address register):
 * call from one task, or before the scheduler starts. */
uint32_t pci_cfg_read32(pci_bdf_t bdf, uint8_t offset);
uint16_t pci_cfg_read16(pci_bdf_t bdf, uint8_t offset);
void pci_cfg_write16(pci_bdf_t bdf, uint8_t offset, uint16_t value);

/* The first function on bus 0 with this vendor and device ID: 0 and its
 * address in *bdf, or -1 when there is none. */
int pci_find(uint16_t vendor, uint16_t device, pci_bdf_t *bdf);

/* The port base of the function's first I/O BAR, with I/O decoding
 * switched on if the firmware left it off; 0 when it has none assigned. */
uint16_t pci_io_bar(pci_bdf_t bdf, unsigned *bar_index);

#endif
