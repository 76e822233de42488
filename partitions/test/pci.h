/* PCI configuration mechanism #1 for the test kernel (bus 0 only), as a
 * kernel reaches it: an address dword at 0xCF8, data at 0xCFC. */
#ifndef TESTPART_PCI_H
#define TESTPART_PCI_H

#include <stdint.h>

#define PCI_DEVFN(dev, fn) ((uint32_t)(dev) << 3 | (fn))

uint32_t pci_read32(uint32_t devfn, uint32_t reg);
uint16_t pci_read16(uint32_t devfn, uint32_t reg);
void pci_write32(uint32_t devfn, uint32_t reg, uint32_t value);
void pci_write16(uint32_t devfn, uint32_t reg, uint16_t value);

/* Prints every function bus 0 shows: address, IDs, class, header type,
 * interrupt pin and line, and each BAR's value and size (sized as
 * kernels do: decode off, all ones, read, value back). Returns the
 * number of functions. */
uint32_t pci_scan_print(void);

#endif
