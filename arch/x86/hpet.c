/* HPET: used by the hypervisor only to calibrate the TSC at boot; the
 * comparators are the partitions' (configs: hpet_timers), whose writes
 * the hypervisor checks and makes for them (vmx/hpet_emul.c), and turns
 * off when a partition stops (hv/quiesce.c). */
#include "arch/x86/hpet.h"

#include "arch/x86/cpu.h"
#include "hv/spinlock.h"

#define HPET_GCAP_ID 0x000
#define HPET_GEN_CONF 0x010
#define HPET_MAIN_COUNTER 0x0F0
#define GEN_CONF_ENABLE 1u
#define GCAP_COUNT_SIZE_CAP (1ull << 13)
#define HPET_MAX_PERIOD_FS 100000000u /* spec: period <= 100 ns */
#define HPET_TN_CONF(n) (0x100 + 0x20 * (n))

static uint64_t hpet_base;
static spinlock_t regs_lock;

int hpet_init(uint64_t base, struct hpet_info *out)
{
    uint64_t cap = mmio_read64(base + HPET_GCAP_ID);
    uint32_t period = (uint32_t)(cap >> 32);
    if (period == 0 || period > HPET_MAX_PERIOD_FS)
        return -E_NOTSUP;
    hpet_base = base;
    out->base = base;
    out->period_fs = period;
    out->freq_hz = 1000000000000000ull / period;
    out->comparators = (uint32_t)((cap >> 8) & 0x1F) + 1;
    out->counter_64bit = (cap & GCAP_COUNT_SIZE_CAP) != 0;
    out->vendor_id = (uint16_t)(cap >> 16);
    uint64_t conf = mmio_read64(base + HPET_GEN_CONF);
    if (!(conf & GEN_CONF_ENABLE))
        mmio_write64(base + HPET_GEN_CONF, conf | GEN_CONF_ENABLE);
    return 0;
}

uint64_t hpet_read_counter(void) { return mmio_read64(hpet_base + HPET_MAIN_COUNTER); }

bool hpet_present(void) { return hpet_base != 0; }

void hpet_lock(void) { spin_lock(&regs_lock); }
void hpet_unlock(void) { spin_unlock(&regs_lock); }

uint64_t hpet_reg_read(uint32_t offset) { return mmio_read64(hpet_base + (offset & ~7u)); }

/* The HPET takes aligned 32- and 64-bit accesses (IA-PC HPET 1.0a 2.3). */
void hpet_reg_write(uint32_t offset, unsigned size, uint64_t value)
{
    if (size == 8)
        mmio_write64(hpet_base + offset, value);
    else
        mmio_write32(hpet_base + offset, (uint32_t)value);
}

/* Tn_CONF (1.0a 2.3.8) = 0: interrupt off (Tn_INT_ENB_CNF), edge, one-shot,
 * FSB delivery off, route 0. A disabled comparator drives no pin, and
 * edge mode leaves no status bit set (2.3.6). */
uint32_t hpet_timer_disable(uint32_t n)
{
    spin_lock(&regs_lock);
    mmio_write32(hpet_base + HPET_TN_CONF(n), 0);
    uint32_t now = mmio_read32(hpet_base + HPET_TN_CONF(n));
    spin_unlock(&regs_lock);
    return now;
}
