/* HPET main counter (IA-PC HPET specification 1.0a, 2.3). */
#ifndef ARCH_X86_HPET_H
#define ARCH_X86_HPET_H

#include "hv/types.h"

struct hpet_info {
    uint64_t base;
    uint32_t period_fs; /* counter tick in femtoseconds */
    uint64_t freq_hz;
    uint32_t comparators;
    bool counter_64bit;
    uint16_t vendor_id;
};

/* Reads the capabilities at base (mapped UC) and starts the main counter
 * if it is stopped. Returns -E_NOTSUP when the registers look absent. */
int hpet_init(uint64_t base, struct hpet_info *out);
uint64_t hpet_read_counter(void);

#endif
