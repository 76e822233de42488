/* Tests for vmx/bitmaps.c and the table in vmx/msr_policy.c: the policy
 * table is well formed; known MSRs pass or exit as the policy intends;
 * the bits land where SDM Vol. 3C 25.6.9 and 25.6.4 put them. */
#include <string.h>

#include "unit.h"
#include "vmx/bitmaps.h"

#define R MSR_PASS_READ
#define W MSR_PASS_WRITE
#define B MSR_PASS_BOTH
#define N MSR_PASS_NONE

static bool msr_covered(uint32_t msr) { return msr <= 0x1FFF || (msr >= 0xC0000000 && msr <= 0xC0001FFF); }

static void fail_msr(int line, uint32_t msr, const char *what)
{
    char m[128];
    snprintf(m, sizeof m, "MSR 0x%x: %s", msr, what);
    unit_fail(__FILE__, line, m);
}

TEST(msr_policy_well_formed)
{
    CHECK(msr_policy_count > 0);
    for (size_t i = 0; i < msr_policy_count; i++) {
        const struct msr_rule *r = &msr_policy[i];
        if (r->first > r->last)
            fail_msr(__LINE__, r->first, "range ends before it starts");
        if (i > 0 && msr_policy[i - 1].last >= r->first)
            fail_msr(__LINE__, r->first, "overlaps or is out of order with the entry before");
        if (!r->why || strlen(r->why) < 10)
            fail_msr(__LINE__, r->first, "has no reason");
        if ((unsigned)r->pass > MSR_PASS_BOTH)
            fail_msr(__LINE__, r->first, "has an unknown pass value");
        if (r->pass != MSR_PASS_NONE && !(msr_covered(r->first) && msr_covered(r->last)))
            fail_msr(__LINE__, r->first, "passes an MSR no bitmap covers (it would exit anyway)");
    }
}

static const struct {
    uint32_t msr;
    enum msr_pass pass;
} known_msrs[] = {
    /* the RTOS's timer path and per-CPU guest state: no exit */
    {0x6E0, B}, {0x808, B}, {0x80B, B}, {0x83F, B}, {0x277, B}, {0x48, B},
    {0x174, B}, {0x175, B}, {0x176, B}, {0xC0000081, B}, {0xC0000082, B}, {0xC0000083, B}, {0xC0000084, B},
    {0xC0000100, B}, {0xC0000101, B}, {0xC0000102, B}, {0xC0000103, B},
    {0x80F, B}, {0x828, B}, {0x838, B}, {0x83E, B},
    /* read only: the LVT registers' writes are checked (vmx/lvt_check.c) */
    {0x82F, R}, {0x832, R}, {0x833, R}, {0x834, R}, {0x835, R}, {0x836, R}, {0x837, R},
    {0x10, R}, {0x802, R}, {0x803, R}, {0x80D, R}, {0x810, R}, {0x820, R}, {0x827, R}, {0x839, R},
    {0xFE, R}, {0x200, R}, {0x213, R}, {0x250, R}, {0x26F, R}, {0x2FF, R}, {0x1A0, R}, {0xCE, R},
    {0xE7, R}, {0xE8, R},
    /* write only */
    {0x49, W},
    /* trapped: isolation, hidden VMX, everything unlisted */
    {0x1B, N}, {0xC0000080, N}, {0x3A, N}, {0x3B, N}, {0x480, N}, {0x48B, N}, {0x491, N}, {0x830, N},
    {0x0, N}, {0xF, N}, {0x11, N}, {0x80A, N}, {0x831, N}, {0x840, N}, {0x6E1, N}, {0x270, N},
    {0x1FFF, N}, {0xC0000000, N}, {0xC0000104, N}, {0xC0001FFF, N},
};

TEST(msr_known_accesses)
{
    static uint8_t bitmap[MSR_BITMAP_SIZE];
    msr_bitmap_build(bitmap);
    for (size_t i = 0; i < sizeof known_msrs / sizeof known_msrs[0]; i++) {
        uint32_t msr = known_msrs[i].msr;
        enum msr_pass pass = known_msrs[i].pass;
        if (msr_bitmap_exits(bitmap, msr, false) != !(pass & MSR_PASS_READ))
            fail_msr(__LINE__, msr, pass & MSR_PASS_READ ? "read exits" : "read passes");
        if (msr_bitmap_exits(bitmap, msr, true) != !(pass & MSR_PASS_WRITE))
            fail_msr(__LINE__, msr, pass & MSR_PASS_WRITE ? "write exits" : "write passes");
    }
}

static enum msr_pass policy_of(uint32_t msr)
{
    for (size_t i = 0; i < msr_policy_count; i++)
        if (msr >= msr_policy[i].first && msr <= msr_policy[i].last)
            return msr_policy[i].pass;
    return MSR_PASS_NONE;
}

static void check_msr_span(const uint8_t *bitmap, uint32_t first, uint32_t last)
{
    for (uint32_t msr = first; msr <= last; msr++) {
        enum msr_pass pass = policy_of(msr);
        if (msr_bitmap_exits(bitmap, msr, false) != !(pass & MSR_PASS_READ) ||
            msr_bitmap_exits(bitmap, msr, true) != !(pass & MSR_PASS_WRITE))
            fail_msr(__LINE__, msr, "bitmap disagrees with the policy table");
    }
}

TEST(msr_bitmap_matches_policy_everywhere)
{
    static uint8_t bitmap[MSR_BITMAP_SIZE];
    msr_bitmap_build(bitmap);
    check_msr_span(bitmap, 0, 0x1FFF);
    check_msr_span(bitmap, 0xC0000000, 0xC0001FFF);
}

TEST(msr_outside_bitmap_ranges_exit)
{
    static const uint32_t outside[] = {0x2000, 0x40000000, 0xBFFFFFFF, 0xC0002000, 0xC0010000, 0xFFFFFFFF};
    static uint8_t bitmap[MSR_BITMAP_SIZE]; /* all zero: every covered MSR would pass */
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        CHECK(msr_bitmap_exits(bitmap, outside[i], false));
        CHECK(msr_bitmap_exits(bitmap, outside[i], true));
    }
    CHECK(!msr_bitmap_exits(bitmap, 0x1FFF, true));
    CHECK(!msr_bitmap_exits(bitmap, 0xC0001FFF, false));
}

static bool bit(const uint8_t *bitmap, size_t byte, unsigned b) { return bitmap[byte] >> b & 1; }

TEST(msr_bitmap_raw_layout)
{
    static uint8_t bitmap[MSR_BITMAP_SIZE];
    msr_bitmap_build(bitmap);
    /* TSC_DEADLINE 0x6E0: byte 0xDC bit 0 in read-low, 2048 + 0xDC in write-low */
    CHECK(!bit(bitmap, 0x6E0 / 8, 0));
    CHECK(!bit(bitmap, 2048 + 0x6E0 / 8, 0));
    CHECK(bit(bitmap, 0x6E0 / 8, 1)); /* 0x6E1 */
    /* TSC 0x10: byte 2 bit 0; read passes, write exits */
    CHECK(!bit(bitmap, 2, 0));
    CHECK(bit(bitmap, 2048 + 2, 0));
    /* PRED_CMD 0x49: byte 9 bit 1; write passes, read exits */
    CHECK(bit(bitmap, 9, 1));
    CHECK(!bit(bitmap, 2048 + 9, 1));
    /* FS_BASE 0xC0000100: read-high at 1024 + 0x20, write-high at 3072 + 0x20 */
    CHECK(!bit(bitmap, 1024 + 0x20, 0));
    CHECK(!bit(bitmap, 3072 + 0x20, 0));
    /* EFER 0xC0000080: byte 1024 + 0x10 bit 0, both exit */
    CHECK(bit(bitmap, 1024 + 0x10, 0));
    CHECK(bit(bitmap, 3072 + 0x10, 0));
    /* ICR 0x830 traps, its neighbour ESR 0x828 (byte 0x105 bit 0) passes */
    CHECK(bit(bitmap, 0x830 / 8, 0) && bit(bitmap, 2048 + 0x830 / 8, 0));
    CHECK(!bit(bitmap, 0x828 / 8, 0) && !bit(bitmap, 2048 + 0x828 / 8, 0));
}

static size_t clear_bits(const uint8_t *p, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n * 8; i++)
        count += !(p[i / 8] >> (i % 8) & 1);
    return count;
}

TEST(msr_bitmap_clears_only_policy_bits)
{
    static uint8_t bitmap[MSR_BITMAP_SIZE];
    size_t reads = 0, writes = 0;
    for (size_t i = 0; i < msr_policy_count; i++) {
        size_t n = msr_policy[i].last - msr_policy[i].first + 1;
        reads += msr_policy[i].pass & MSR_PASS_READ ? n : 0;
        writes += msr_policy[i].pass & MSR_PASS_WRITE ? n : 0;
    }
    memset(bitmap, 0, sizeof bitmap);
    msr_bitmap_build(bitmap);
    CHECK_EQ(clear_bits(bitmap, 2048), reads);
    CHECK_EQ(clear_bits(bitmap + 2048, 2048), writes);
}

/* ------------------------------------------------------------- I/O */

static uint8_t io_bm[IO_BITMAP_SIZE];

static void check_ports(uint32_t first, uint32_t last, bool exits)
{
    for (uint32_t port = first; port <= last; port++)
        if (io_bitmap_exits(io_bm, (uint16_t)port) != exits) {
            char m[64];
            snprintf(m, sizeof m, "port 0x%x %s", port, exits ? "passes" : "exits");
            unit_fail(__FILE__, __LINE__, m);
        }
}

TEST(io_owned_ports_pass_neighbours_exit)
{
    const struct cfg_io io[] = {{0x3F8, 8}, {0x60, 1}, {0xCF8, 8}};
    io_bitmap_build(io_bm, io, 3);
    check_ports(0x3F8, 0x3FF, false);
    check_ports(0x60, 0x60, false);
    check_ports(0xCF8, 0xCFF, false);
    check_ports(0x3F7, 0x3F7, true);
    check_ports(0x400, 0x400, true);
    check_ports(0x5F, 0x5F, true);
    check_ports(0x61, 0x61, true);
    CHECK_EQ(io_bm[0x3F8 / 8], 0x00);
    CHECK_EQ(io_bm[0x60 / 8], 0xFE);
    CHECK_EQ(clear_bits(io_bm, IO_BITMAP_SIZE), 17);
}

TEST(io_last_port)
{
    const struct cfg_io io[] = {{0xFFFF, 1}};
    io_bitmap_build(io_bm, io, 1);
    check_ports(0xFFFF, 0xFFFF, false);
    check_ports(0xFFFE, 0xFFFE, true);
    CHECK_EQ(io_bm[IO_BITMAP_SIZE - 1], 0x7F); /* bitmap B, last byte, bit 7 */
    CHECK_EQ(clear_bits(io_bm, IO_BITMAP_SIZE), 1);
}

TEST(io_range_crossing_bitmap_a_to_b)
{
    const struct cfg_io io[] = {{0x7FFC, 8}};
    io_bitmap_build(io_bm, io, 1);
    check_ports(0x7FFC, 0x8003, false);
    check_ports(0x7FFB, 0x7FFB, true);
    check_ports(0x8004, 0x8004, true);
    CHECK_EQ(io_bm[4095], 0x0F); /* A: ports 0x7FFC-0x7FFF are bits 4-7 */
    CHECK_EQ(io_bm[4096], 0xF0); /* B: ports 0x8000-0x8003 are bits 0-3 */
}

TEST(io_nothing_owned_everything_exits)
{
    const struct cfg_io io[] = {{0x3F8, 0}};
    io_bitmap_build(io_bm, io, 1);
    check_ports(0, 0xFFFF, true);
    io_bitmap_build(io_bm, NULL, 0);
    check_ports(0, 0xFFFF, true);
}

/* The checker rejects ranges past 0xFFFF; the builder still stays inside
 * the bitmap (ASan would catch a write beyond it). */
TEST(io_range_past_ffff_is_clamped)
{
    const struct cfg_io io[] = {{0xFFF0, 0x20}};
    io_bitmap_build(io_bm, io, 1);
    check_ports(0xFFF0, 0xFFFF, false);
    check_ports(0, 0x10, true);
}
