/* Shared by the parts of a partition's PCI configuration space
 * (hv/pci_cfg.c, hv/pci_cfg_boot.c, hv/pci_msi.c, hv/pci_ecam.c); not for
 * other users. */
#ifndef HV_PCI_CFG_INTERNAL_H
#define HV_PCI_CFG_INTERNAL_H

#include "hv/pci_cfg.h"

#define PCI_ALL_ONES 0xFFFFFFFFu

/* The bytes of a dword an access of size bytes at reg covers (bit n:
 * byte n), and the access's value placed in the dword. */
static inline uint32_t pci_byte_mask(uint32_t reg, uint32_t size) { return ((1u << size) - 1) << (reg & 3); }
static inline uint32_t pci_bits_of(uint32_t byte_mask)
{
    uint32_t bits = 0;
    for (uint32_t b = 0; b < 4; b++)
        if (byte_mask & (1u << b))
            bits |= 0xFFu << (8 * b);
    return bits;
}
#define PCI_BRIDGE_BDF 0 /* the emulated host bridge, 00:00.0 */

/* old with the bytes in byte_mask taken from value. */
static inline uint32_t pci_merge(uint32_t old, uint32_t value, uint32_t byte_mask)
{
    uint32_t bits = pci_bits_of(byte_mask);
    return (old & ~bits) | (value & bits);
}

/* Whether dword reg holds a pointer the partition reads changed (to skip
 * a hidden capability). */
static inline bool pci_cap_link_hidden(const struct pci_vfunc *f, uint32_t reg)
{
    for (uint32_t i = 0; i < PCI_HIDDEN_CAPS; i++)
        if (f->cap_link[i] && reg == (f->cap_link[i] & 0xFCu))
            return true;
    return false;
}

static inline uint32_t pci_real_read(const struct pci_cfg_space *s, const struct pci_vfunc *f, uint32_t reg,
                                     uint32_t size)
{
    return s->backend->read(s->backend->ctx, f->host, reg, size);
}

/* Writes the bytes of dword reg (aligned) in byte_mask from value, in the
 * largest naturally aligned pieces: a guest's word write stays a word
 * write (write-1-to-clear status bits beside it are left alone). */
void pci_write_bytes(const struct pci_cfg_space *s, const struct pci_vfunc *f, uint32_t reg, uint32_t value,
                     uint32_t byte_mask);

/* Its function at guest address guest (bus 0), NULL if none. */
struct pci_vfunc *pci_function_at(struct pci_cfg_space *s, uint16_t guest);

/* One configuration access to register dword reg (0-0xFC) of bdf (its
 * bus in bits 15:8), offset bytes in, size 1, 2 or 4 within the dword,
 * mediated (hv/pci_cfg.h), under s->lock: what mechanism #1 and ECAM
 * (hv/pci_ecam.c) share. A read is zero-extended; absent targets read
 * all ones and writes to them are refused and logged. */
uint32_t pci_space_read(struct pci_cfg_space *s, uint16_t bdf, uint32_t reg, uint32_t offset, uint32_t size);
void pci_space_write(struct pci_cfg_space *s, uint16_t bdf, uint32_t reg, uint32_t offset, uint32_t size,
                     uint32_t value);

/* Logs a refusal through the backend, PCI_CFG_LOG_LIMIT times at most. */
void pci_refuse(struct pci_cfg_space *s, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* MSI and MSI-X capability registers (hv/pci_msi.c): true when dword reg
 * belongs to one of them (and was handled). */
bool pci_msi_write(struct pci_cfg_space *s, struct pci_vfunc *f, uint32_t reg, uint32_t value, uint32_t byte_mask);

#endif
