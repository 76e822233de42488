/* The hypervisor's own access to the machine's PCI configuration space
 * through configuration mechanism #1 (PCI Local Bus Specification 3.0,
 * 3.2.2.3.2): an address dword to CONFIG_ADDRESS (0xCF8), then data at
 * CONFIG_DATA (0xCFC + the low two bits of the register). The pair is
 * one transaction: a spinlock keeps the CPUs that emulate partitions'
 * configuration spaces (hv/pci_cfg.h) from interleaving theirs. No
 * partition ever owns these ports (hv/config_check.c). */
#ifndef DRIVERS_PCI_CONF1_H
#define DRIVERS_PCI_CONF1_H

#include "hv/types.h"

/* A read of size bytes (1, 2 or 4, naturally aligned) at register reg
 * (0-0xFF) of function bdf (PCI_BDF layout); zero-extended. An absent
 * function reads all ones. */
uint32_t pci_conf1_read(uint16_t bdf, uint32_t reg, uint32_t size);

/* A write of size bytes of value at register reg of function bdf. */
void pci_conf1_write(uint16_t bdf, uint32_t reg, uint32_t size, uint32_t value);

#endif
