/* MSR and I/O bitmaps (Intel SDM Vol. 3C 25.6.4 and 25.6.9) generated
 * from a readable policy table and the static config (vmx/bitmaps.c and
 * vmx/msr_policy.c, pure and host-tested). A set bit means "exit". */
#ifndef VMX_BITMAPS_H
#define VMX_BITMAPS_H

#include "hv/config.h"

#define MSR_BITMAP_SIZE 4096
#define IO_BITMAP_SIZE 8192 /* bitmap A (ports 0-0x7FFF) then B */

/* What a guest access to an MSR does. Everything absent from the table
 * exits both ways and is handled by the MSR exit handler's policy. */
enum msr_pass {
    MSR_PASS_NONE = 0,  /* read and write exit */
    MSR_PASS_READ = 1,  /* read goes to hardware, write exits */
    MSR_PASS_WRITE = 2, /* write goes to hardware, read exits */
    MSR_PASS_BOTH = 3,  /* no exit */
};

struct msr_rule {
    uint32_t first, last; /* inclusive range */
    enum msr_pass pass;
    const char *why;      /* one line: why this is safe / trapped */
};

extern const struct msr_rule msr_policy[];
extern const size_t msr_policy_count;

/* Fills bitmap (MSR_BITMAP_SIZE bytes) from msr_policy. */
void msr_bitmap_build(uint8_t *bitmap);
/* Sets msr's two bits in bitmap to pass (MSR_PASS_NONE: both exit). A
 * vCPU changes its own copy with it (vcpu_msr_intercept). */
void msr_bitmap_set(uint8_t *bitmap, uint32_t msr, enum msr_pass pass);
/* Whether an access exits under bitmap; MSRs outside the two bitmap
 * ranges (0-0x1FFF, 0xC0000000-0xC0001FFF) always exit. */
bool msr_bitmap_exits(const uint8_t *bitmap, uint32_t msr, bool write);

/* Fills bitmap (IO_BITMAP_SIZE bytes): every port exits except those in
 * io[0..count). */
void io_bitmap_build(uint8_t *bitmap, const struct cfg_io *io, uint32_t count);
bool io_bitmap_exits(const uint8_t *bitmap, uint16_t port);

#endif
