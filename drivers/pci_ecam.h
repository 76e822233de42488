/* The hypervisor's access to the machine's PCI Express ECAM (PCI Express
 * Base 7.2.2) for extended configuration registers 0x100-0xFFF of the
 * functions it gives to partitions: their 4 KiB pages of the board's
 * MCFG window for bus 0 of segment 0, mapped uncached. Registers below
 * 0x100 keep going through mechanism #1 (drivers/pci_conf1.h). */
#ifndef DRIVERS_PCI_ECAM_H
#define DRIVERS_PCI_ECAM_H

#include "hv/types.h"

/* Boot CPU, at assignment: finds bdf's page (bus 0) in the board's MCFG
 * window for segment 0 that starts at bus 0, and maps it. False when
 * there is none (Bochs has no MCFG). */
bool pci_ecam_attach(uint16_t bdf);

/* A read of size bytes (1, 2 or 4, naturally aligned) at extended
 * register reg (0x100-0xFFF) of an attached function; 0 for another. */
uint32_t pci_ecam_read(uint16_t bdf, uint32_t reg, uint32_t size);

#endif
