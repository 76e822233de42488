/* The test kernel's PCI helper (pci.h). Register layout: PCI Local Bus
 * Specification 3.0, 6.1 (type 0 header) and 6.2.5.1 (BAR sizing). */
#include "partitions/test/pci.h"

#include "partitions/common/console.h"
#include "partitions/common/cpu.h"

#define CONFIG_ADDRESS 0xCF8
#define CONFIG_DATA 0xCFC
#define ENABLE 0x80000000u
#define MULTIFUNCTION 0x80

static void select_reg(uint32_t devfn, uint32_t reg) { outl(CONFIG_ADDRESS, ENABLE | devfn << 8 | (reg & 0xFC)); }

uint32_t pci_read32(uint32_t devfn, uint32_t reg)
{
    select_reg(devfn, reg);
    return inl(CONFIG_DATA);
}

uint16_t pci_read16(uint32_t devfn, uint32_t reg)
{
    select_reg(devfn, reg);
    return inw((uint16_t)(CONFIG_DATA + (reg & 2)));
}

void pci_write32(uint32_t devfn, uint32_t reg, uint32_t value)
{
    select_reg(devfn, reg);
    outl(CONFIG_DATA, value);
}

void pci_write16(uint32_t devfn, uint32_t reg, uint16_t value)
{
    select_reg(devfn, reg);
    outw((uint16_t)(CONFIG_DATA + (reg & 2)), value);
}

/* The size a BAR decodes: all ones written with decoding off, the
 * writable address bits read back, the value restored. */
static uint32_t bar_size(uint32_t devfn, uint32_t reg, uint32_t value)
{
    uint16_t cmd = pci_read16(devfn, 0x04);
    pci_write16(devfn, 0x04, (uint16_t)(cmd & ~3u));
    pci_write32(devfn, reg, 0xFFFFFFFFu);
    uint32_t probe = pci_read32(devfn, reg);
    pci_write32(devfn, reg, value);
    pci_write16(devfn, 0x04, cmd);
    uint32_t mask = probe & ((value & 1) ? ~3u : ~0xFu);
    if ((value & 1) && mask && !(mask >> 16))
        mask |= 0xFFFF0000u;
    return mask ? ~mask + 1 : 0;
}

static int print_function(uint32_t devfn)
{
    uint32_t id = pci_read32(devfn, 0);
    if ((id & 0xFFFF) == 0xFFFF)
        return 0;
    uint32_t class_rev = pci_read32(devfn, 0x08), hdr = pci_read32(devfn, 0x0C) >> 16 & 0xFF;
    uint32_t intr = pci_read32(devfn, 0x3C);
    say("pci 00:%02x.%x %04x:%04x class %06x header 0x%02x pin %u line %u command 0x%04x", devfn >> 3, devfn & 7,
        id & 0xFFFF, id >> 16, class_rev >> 8, hdr, intr >> 8 & 0xFF, intr & 0xFF, pci_read16(devfn, 0x04));
    for (uint32_t i = 0; i < 6 && (hdr & 0x7F) == 0; i++) {
        uint32_t reg = 0x10 + 4 * i, value = pci_read32(devfn, reg);
        uint32_t size = bar_size(devfn, reg, value);
        if (value || size)
            say("pci 00:%02x.%x BAR%u 0x%08x size 0x%x", devfn >> 3, devfn & 7, i, value, size);
        if (!(value & 1) && (value & 6) == 4)
            i++; /* a 64-bit BAR's upper half */
    }
    uint32_t rom = pci_read32(devfn, 0x30);
    if (rom)
        say("pci 00:%02x.%x ROM 0x%08x", devfn >> 3, devfn & 7, rom);
    return 1;
}

uint32_t pci_scan_print(void)
{
    uint32_t found = 0;
    for (uint32_t dev = 0; dev < 32; dev++) {
        if (!print_function(PCI_DEVFN(dev, 0)))
            continue;
        found++;
        if (!(pci_read32(PCI_DEVFN(dev, 0), 0x0C) >> 16 & MULTIFUNCTION))
            continue;
        for (uint32_t fn = 1; fn < 8; fn++)
            found += (uint32_t)print_function(PCI_DEVFN(dev, fn));
    }
    say("pci functions %u", found);
    return found;
}
