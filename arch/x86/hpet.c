/* HPET: used by the hypervisor only to calibrate the TSC at boot; the
 * comparators stay free for a partition. */
#include "arch/x86/hpet.h"

#include "arch/x86/cpu.h"

#define HPET_GCAP_ID 0x000
#define HPET_GEN_CONF 0x010
#define HPET_MAIN_COUNTER 0x0F0
#define GEN_CONF_ENABLE 1u
#define GCAP_COUNT_SIZE_CAP (1ull << 13)
#define HPET_MAX_PERIOD_FS 100000000u /* spec: period <= 100 ns */

static uint64_t hpet_base;

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
