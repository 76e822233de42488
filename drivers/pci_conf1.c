/* Configuration mechanism #1 for the hypervisor (drivers/pci_conf1.h).
 * CONFIG_ADDRESS: enable bit 31, bus 23:16, device 15:11, function 10:8,
 * dword register 7:2 (PCI Local Bus 3.0, Figure 3-2); a byte or word of
 * the dword is reached at 0xCFC + (reg & 3). */
#include "drivers/pci_conf1.h"

#include "arch/x86/cpu.h"
#include "hv/spinlock.h"

#define CONFIG_ADDRESS 0xCF8
#define CONFIG_DATA 0xCFC
#define CONFIG_ENABLE 0x80000000u

static spinlock_t conf1_lock;

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static uint32_t address_of(uint16_t bdf, uint32_t reg) { return CONFIG_ENABLE | (uint32_t)bdf << 8 | (reg & 0xFC); }

uint32_t pci_conf1_read(uint16_t bdf, uint32_t reg, uint32_t size)
{
    uint16_t port = (uint16_t)(CONFIG_DATA + (reg & 3));
    uint32_t value;
    spin_lock(&conf1_lock);
    outl(CONFIG_ADDRESS, address_of(bdf, reg));
    value = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(CONFIG_DATA);
    spin_unlock(&conf1_lock);
    return value;
}

void pci_conf1_write(uint16_t bdf, uint32_t reg, uint32_t size, uint32_t value)
{
    uint16_t port = (uint16_t)(CONFIG_DATA + (reg & 3));
    spin_lock(&conf1_lock);
    outl(CONFIG_ADDRESS, address_of(bdf, reg));
    if (size == 1)
        outb(port, (uint8_t)value);
    else if (size == 2)
        outw(port, (uint16_t)value);
    else
        outl(CONFIG_DATA, value);
    spin_unlock(&conf1_lock);
}
