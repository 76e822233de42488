/* PCI configuration mechanism #1; see pci.h. */
#include "partitions/rtos/drivers/pci.h"
#include "partitions/common/cpu.h"

uint32_t pci_cfg_read32(pci_bdf_t bdf, uint8_t offset)
{
    outl(PCI_CFG_ADDRESS, pci_cfg_address(bdf, offset));
    return inl(PCI_CFG_DATA);
}

/* A word of the dword: the data port's byte lanes are the register's
 * (3.2.2.3.2), so a word read at 0xCFC + (offset & 2) is that word. */
uint16_t pci_cfg_read16(pci_bdf_t bdf, uint8_t offset)
{
    outl(PCI_CFG_ADDRESS, pci_cfg_address(bdf, offset));
    return inw((uint16_t)(PCI_CFG_DATA + (offset & 2)));
}

void pci_cfg_write16(pci_bdf_t bdf, uint8_t offset, uint16_t value)
{
    outl(PCI_CFG_ADDRESS, pci_cfg_address(bdf, offset));
    outw((uint16_t)(PCI_CFG_DATA + (offset & 2)), value);
}

/* Functions 1-7 exist only behind a multi-function function 0 (6.2.1,
 * Header Type bit 7): probing them otherwise may find aliases. */
int pci_find(uint16_t vendor, uint16_t device, pci_bdf_t *bdf)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        unsigned fns = 1;
        for (unsigned fn = 0; fn < fns; fn++) {
            pci_bdf_t b = PCI_MAKE_BDF(0, dev, fn);
            uint32_t id = pci_cfg_read32(b, PCI_VENDOR_ID);
            if ((id & 0xFFFF) == PCI_VENDOR_NONE)
                continue;
            if (fn == 0 && (pci_cfg_read32(b, PCI_HEADER_TYPE & 0xFC) >> 16 & PCI_HEADER_MULTIFUNCTION))
                fns = 8;
            if ((id & 0xFFFF) == vendor && id >> 16 == device) {
                *bdf = b;
                return 0;
            }
        }
    }
    return -1;
}

uint16_t pci_io_bar(pci_bdf_t bdf, unsigned *bar_index)
{
    for (unsigned i = 0; i < PCI_BARS; i++) {
        uint32_t bar = pci_cfg_read32(bdf, (uint8_t)(PCI_BAR0 + 4 * i));
        uint16_t base = pci_bar_io_base(bar);
        if (!base) {
            if (!(bar & 1u) && (bar & 6u) == 4u)
                i++; /* a 64-bit memory BAR takes the next one too (6.2.5.1) */
            continue;
        }
        uint16_t cmd = pci_cfg_read16(bdf, PCI_COMMAND);
        if (!(cmd & PCI_COMMAND_IO))
            pci_cfg_write16(bdf, PCI_COMMAND, (uint16_t)(cmd | PCI_COMMAND_IO));
        if (bar_index)
            *bar_index = i;
        return base;
    }
    return 0;
}
