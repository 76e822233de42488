/* A partition's PCI configuration space, as its CPUs reach it through
 * configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2):
 * CONFIG_ADDRESS at port 0xCF8 (dword accesses only) selects bus, device,
 * function and register; CONFIG_DATA at 0xCFC-0xCFF reads or writes it.
 * No port of the pair is ever given to a partition (hv/config_check.c):
 * each partition has its own, emulated by the hypervisor (vmx/exit_io.c).
 *
 * Today a partition's space holds no function: every configuration read
 * ends as a master abort (all ones, "no device"), every write is dropped,
 * and CONFIG_ADDRESS latches and reads back, so a kernel finds a
 * mechanism #1 host with an empty bus and ends its scan at the first
 * look at each slot. Pure: also compiled into the host unit test. */
#ifndef HV_PCI_CFG_H
#define HV_PCI_CFG_H

#include "hv/types.h"

#define PCI_CFG_ADDRESS_PORT 0xCF8
#define PCI_CFG_DATA_PORT 0xCFC

/* Grows with the functions a partition is given (a host bridge, its
 * devices); today it is the address latch alone. */
struct pci_cfg_space {
    uint32_t config_address; /* the last dword written to CONFIG_ADDRESS; 0 at reset */
};

/* True when an access of size bytes (1, 2 or 4) at port is the
 * configuration mechanism's: a dword at CONFIG_ADDRESS, any size in
 * CONFIG_DATA. A byte or word at 0xCF8-0xCFB is an ordinary I/O cycle,
 * as on a real host bridge (the spec; i440FX), which reaches no device:
 * so a probe for configuration mechanism #2 (byte accesses at 0xCF8 and
 * 0xCFA) finds none. */
bool pci_cfg_handles(uint16_t port, uint32_t size);

/* An IN of size bytes at a port pci_cfg_handles() accepts: the value,
 * zero-extended (the caller merges it into RAX as IN does). */
uint32_t pci_cfg_read(const struct pci_cfg_space *s, uint16_t port, uint32_t size);

/* An OUT of size bytes of value at a port pci_cfg_handles() accepts. */
void pci_cfg_write(struct pci_cfg_space *s, uint16_t port, uint32_t size, uint32_t value);

#endif
