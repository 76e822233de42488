/* MSR and I/O bitmaps (vmx/bitmaps.h). A set bit makes the access exit.
 *
 * MSR bitmap (SDM Vol. 3C 25.6.9): four 1 KiB bit arrays, read-low at
 * byte 0 (MSRs 0-0x1FFF), read-high at 1024 (0xC0000000-0xC0001FFF),
 * write-low at 2048, write-high at 3072. RDMSR/WRMSR of any other MSR
 * exits regardless (SDM 26.1.3).
 *
 * I/O bitmaps (SDM 25.6.4): A covers ports 0-0x7FFF, B 0x8000-0xFFFF,
 * one bit per port. With B right after A, port p is bit p % 8 of byte
 * p / 8 across both. An access of several bytes exits when any of its
 * ports' bits is set, or when it wraps past 0xFFFF (SDM 26.1.3). */
#include "vmx/bitmaps.h"

#include "hv/string.h"

#define MSR_LOW_LAST 0x1FFFu
#define MSR_HIGH_FIRST 0xC0000000u
#define MSR_HIGH_LAST 0xC0001FFFu
#define MSR_READ_HIGH 1024
#define MSR_WRITE 2048 /* write bitmaps follow the two read bitmaps */

/* Byte offset of msr's read bit in the bitmap, or -1 when no bitmap
 * covers it. The write bit is MSR_WRITE bytes further. */
static int msr_read_byte(uint32_t msr, unsigned *bit)
{
    uint32_t index;
    int base;
    if (msr <= MSR_LOW_LAST) {
        index = msr;
        base = 0;
    } else if (msr >= MSR_HIGH_FIRST && msr <= MSR_HIGH_LAST) {
        index = msr - MSR_HIGH_FIRST;
        base = MSR_READ_HIGH;
    } else {
        return -1;
    }
    *bit = index % 8;
    return base + (int)(index / 8);
}

static void set_exit_bit(uint8_t *byte, unsigned bit, bool exits)
{
    if (exits)
        *byte |= (uint8_t)(1u << bit);
    else
        *byte &= (uint8_t)~(1u << bit);
}

void msr_bitmap_set(uint8_t *bitmap, uint32_t msr, enum msr_pass pass)
{
    unsigned bit;
    int byte = msr_read_byte(msr, &bit);
    if (byte < 0)
        return;
    set_exit_bit(&bitmap[byte], bit, !(pass & MSR_PASS_READ));
    set_exit_bit(&bitmap[byte + MSR_WRITE], bit, !(pass & MSR_PASS_WRITE));
}

void msr_bitmap_build(uint8_t *bitmap)
{
    memset(bitmap, 0xFF, MSR_BITMAP_SIZE);
    for (size_t i = 0; i < msr_policy_count; i++) {
        const struct msr_rule *r = &msr_policy[i];
        if (r->pass == MSR_PASS_NONE || r->first > r->last)
            continue;
        for (uint32_t msr = r->first;; msr++) {
            msr_bitmap_set(bitmap, msr, r->pass);
            if (msr == r->last) /* also ends a range reaching 0xFFFFFFFF */
                break;
        }
    }
}

bool msr_bitmap_exits(const uint8_t *bitmap, uint32_t msr, bool write)
{
    unsigned bit;
    int byte = msr_read_byte(msr, &bit);
    if (byte < 0)
        return true;
    return bitmap[byte + (write ? MSR_WRITE : 0)] >> bit & 1;
}

void io_bitmap_build(uint8_t *bitmap, const struct cfg_io *io, uint32_t count)
{
    memset(bitmap, 0xFF, IO_BITMAP_SIZE);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t end = MIN((uint32_t)io[i].base + io[i].count, 0x10000u); /* the checker rejects wraps */
        for (uint32_t port = io[i].base; port < end; port++)
            bitmap[port / 8] &= (uint8_t)~(1u << (port % 8));
    }
}

bool io_bitmap_exits(const uint8_t *bitmap, uint16_t port) { return bitmap[port / 8] >> (port % 8) & 1; }
