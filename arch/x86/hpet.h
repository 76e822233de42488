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

/* Register access for the partitions' comparators, after hpet_init. A
 * read-check-write is done between hpet_lock() and hpet_unlock(), so the
 * partitions sharing the chip never interleave theirs. */
bool hpet_present(void);
void hpet_lock(void);
void hpet_unlock(void);
uint64_t hpet_reg_read(uint32_t offset); /* the 64-bit register holding offset */
void hpet_reg_write(uint32_t offset, unsigned size, uint64_t value);
/* Turns comparator n off (under the lock); returns its Tn_CONF low half
 * as read back. */
uint32_t hpet_timer_disable(uint32_t n);

#endif
