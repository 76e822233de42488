/* ECAM for a partition (hv/pci_cfg.h): its 1 MiB window for bus 0 decoded
 * as PCI Express Base 7.2.2, Table 7-1 (address bits 19:15 device, 14:12
 * function, 11:0 register). Registers 0x00-0xFF go through the same
 * mediation as mechanism #1 (pci_space_read/write); the extended ones
 * are handled here. Under the space's lock, as data accesses through
 * 0xCFC are. */
#include "hv/pci_cfg_internal.h"

#define ECAM_BDF(offset) ((uint16_t)(((offset) >> 12) & 0xFF)) /* bus 0: device and function */
#define ECAM_REG(offset) ((offset) & (PCI_ECAM_REGS - 1))
#define EXT_REGS 0x100u

static uint64_t all_ones(uint32_t size) { return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1; }

/* One configuration request: 1, 2 or 4 bytes within a dword, inside the
 * window (the caller claims only the window). */
static bool is_request(uint32_t offset, uint32_t size)
{
    return (size == 1 || size == 2 || size == 4) && !(offset & (size - 1)) && offset < PCI_ECAM_BUS_BYTES;
}

static uint32_t extended_read(struct pci_cfg_space *s, uint16_t bdf, uint32_t reg, uint32_t size)
{
    if (bdf == PCI_BRIDGE_BDF)
        return 0;
    struct pci_vfunc *f = pci_function_at(s, bdf);
    if (!f)
        return (uint32_t)all_ones(size); /* master abort */
    if (!s->backend->read_ext)
        return 0; /* no extended capabilities: what a conventional PCI function shows */
    return s->backend->read_ext(s->backend->ctx, f->host, reg, size);
}

uint64_t pci_cfg_ecam_read(struct pci_cfg_space *s, uint32_t offset, uint32_t size)
{
    if (!is_request(offset, size) || !s->backend)
        return all_ones(size);
    uint16_t bdf = ECAM_BDF(offset);
    uint32_t reg = ECAM_REG(offset);
    spin_lock(&s->lock);
    uint32_t v = reg < EXT_REGS ? pci_space_read(s, bdf, reg & ~3u, reg & 3, size) : extended_read(s, bdf, reg, size);
    spin_unlock(&s->lock);
    return v;
}

void pci_cfg_ecam_write(struct pci_cfg_space *s, uint32_t offset, uint32_t size, uint64_t value)
{
    if (!s->backend)
        return; /* an empty bus, as through 0xCFC */
    uint16_t bdf = ECAM_BDF(offset);
    uint32_t reg = ECAM_REG(offset);
    spin_lock(&s->lock);
    if (!is_request(offset, size))
        pci_refuse(s, "PCI %02x:%02x.%x register 0x%x: %u-byte ECAM write refused: a configuration request is at "
                      "most a naturally aligned dword (PCI Express Base 7.2.2)", PCI_BDF_ARGS(bdf), reg, size);
    else if (reg < EXT_REGS)
        pci_space_write(s, bdf, reg & ~3u, reg & 3, size, (uint32_t)value);
    else if (bdf == PCI_BRIDGE_BDF || pci_function_at(s, bdf))
        pci_refuse(s, "PCI %02x:%02x.%x extended register 0x%x write 0x%x refused: extended capabilities "
                      "(SR-IOV, Resizable BAR) could add or move BARs", PCI_BDF_ARGS(bdf), reg, (uint32_t)value);
    else
        pci_refuse(s, "PCI %02x:%02x.%x register 0x%x write 0x%x refused: not one of its functions", PCI_BDF_ARGS(bdf),
                   reg, (uint32_t)value);
    spin_unlock(&s->lock);
}
