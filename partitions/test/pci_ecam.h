/* ECAM for the test kernel (PCI Express Base 7.2.2): its partition's
 * window for bus 0, given by the ecam= option (the kernel has no ACPI
 * parser to find the MCFG). Paging is off: the window's guest-physical
 * addresses are used directly. */
#ifndef TESTPART_PCI_ECAM_H
#define TESTPART_PCI_ECAM_H

#include <stdint.h>

struct attack_args;

void pci_ecam_set(uint32_t base); /* 0: none */
uint32_t pci_ecam_base(void);

/* The address of register reg of 00:devfn in the window. */
static inline volatile uint8_t *pci_ecam_at(uint32_t devfn, uint32_t reg)
{
    return (volatile uint8_t *)(uintptr_t)(pci_ecam_base() + (devfn << 12) + reg);
}
static inline uint32_t ecam_read32(uint32_t devfn, uint32_t reg)
{
    return *(volatile uint32_t *)pci_ecam_at(devfn, reg);
}
static inline uint16_t ecam_read16(uint32_t devfn, uint32_t reg)
{
    return *(volatile uint16_t *)pci_ecam_at(devfn, reg);
}
static inline uint8_t ecam_read8(uint32_t devfn, uint32_t reg) { return *pci_ecam_at(devfn, reg); }
static inline void ecam_write32(uint32_t devfn, uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)pci_ecam_at(devfn, reg) = v;
}
static inline void ecam_write16(uint32_t devfn, uint32_t reg, uint16_t v)
{
    *(volatile uint16_t *)pci_ecam_at(devfn, reg) = v;
}

/* attack=pci-ecam (not hostile): every function bus 0 shows, read through
 * ECAM and through mechanism #1, compared; prints one line per result
 * (README.md) and returns the number of failures. */
uint32_t pci_ecam_check(void);

/* attack=pci-ecam-*: the hostile ECAM accesses (attacks_pci_ecam.c);
 * 1 when a->kind is one of them. */
int attack_pci_ecam_run(const struct attack_args *a);

#endif
