/* PCI configuration mechanism #1 for a partition (hv/pci_cfg.h). Layout
 * of CONFIG_ADDRESS: PCI Local Bus Specification 3.0, 3.2.2.3.2, Figure
 * 3-2. CONFIG_ADDRESS keeps what was written, reserved bits included, as
 * Bochs's and QEMU's i440FX do (the machines the tests compare with). A
 * partition's CPUs share its space, as they would share one host bridge:
 * the latch is read and written atomically (a kernel serializes its
 * address-then-data pairs with a lock of its own, as on hardware). */
#include "hv/pci_cfg.h"

#define ALL_ONES 0xFFFFFFFFu

bool pci_cfg_handles(uint16_t port, uint32_t size)
{
    if (port == PCI_CFG_ADDRESS_PORT)
        return size == 4;
    return port >= PCI_CFG_DATA_PORT && port <= PCI_CFG_DATA_PORT + 3 && (size == 1 || size == 2 || size == 4);
}

/* No function answers at any bus, device or function: with the enable
 * bit set a configuration read ends in a master abort, which the host
 * bridge completes with all ones; with it clear the read is an ordinary
 * I/O cycle that reaches no device, all ones too. */
static uint32_t data_read(uint32_t size) { return size == 4 ? ALL_ONES : (1u << (8 * size)) - 1; }

uint32_t pci_cfg_read(const struct pci_cfg_space *s, uint16_t port, uint32_t size)
{
    if (port == PCI_CFG_ADDRESS_PORT)
        return __atomic_load_n(&s->config_address, __ATOMIC_RELAXED);
    return data_read(size);
}

/* A configuration write to a target without a function is dropped
 * (master abort), as is an ordinary I/O write of CONFIG_DATA. */
void pci_cfg_write(struct pci_cfg_space *s, uint16_t port, uint32_t size, uint32_t value)
{
    (void)size;
    if (port == PCI_CFG_ADDRESS_PORT)
        __atomic_store_n(&s->config_address, value, __ATOMIC_RELAXED);
}
