/* IOAPIC register access. */
#include "arch/x86/ioapic.h"

#include "arch/x86/cpu.h"
#include "hv/spinlock.h"

#define IOREGSEL 0x00
#define IOWIN 0x10

static uint64_t base;
static spinlock_t lock;

void ioapic_set_base(uint64_t b) { base = b; }
uint64_t ioapic_base(void) { return base; }

uint32_t ioapic_read(uint32_t index)
{
    spin_lock(&lock);
    mmio_write32(base + IOREGSEL, index);
    uint32_t v = mmio_read32(base + IOWIN);
    spin_unlock(&lock);
    return v;
}

void ioapic_write(uint32_t index, uint32_t value)
{
    spin_lock(&lock);
    mmio_write32(base + IOREGSEL, index);
    mmio_write32(base + IOWIN, value);
    spin_unlock(&lock);
}
