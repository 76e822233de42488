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

static uint32_t read_locked(uint32_t index)
{
    mmio_write32(base + IOREGSEL, index);
    return mmio_read32(base + IOWIN);
}

static void write_locked(uint32_t index, uint32_t value)
{
    mmio_write32(base + IOREGSEL, index);
    mmio_write32(base + IOWIN, value);
}

static uint64_t read_entry_locked(uint32_t pin)
{
    uint32_t low = IOAPIC_REG_REDTBL + 2 * pin;
    return (uint64_t)read_locked(low + 1) << 32 | read_locked(low);
}

uint32_t ioapic_read(uint32_t index)
{
    spin_lock(&lock);
    uint32_t v = read_locked(index);
    spin_unlock(&lock);
    return v;
}

void ioapic_write(uint32_t index, uint32_t value)
{
    spin_lock(&lock);
    write_locked(index, value);
    spin_unlock(&lock);
}

const char *ioapic_write_entry_checked(uint32_t index, uint32_t value, ioapic_entry_check_fn check, void *ctx)
{
    uint32_t pin = (index - IOAPIC_REG_REDTBL) / 2;
    spin_lock(&lock);
    uint64_t entry = read_entry_locked(pin);
    entry = (index & 1) ? (entry & 0xFFFFFFFFull) | (uint64_t)value << 32 : (entry & ~0xFFFFFFFFull) | value;
    const char *why = check(ctx, pin, entry, read_entry_locked);
    if (!why)
        write_locked(index, value);
    spin_unlock(&lock);
    return why;
}
