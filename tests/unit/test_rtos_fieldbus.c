/* Tests for the RTOS fieldbus master's pure logic: jitter statistics
 * (partitions/rtos/app/jitter.c), the cyclic frame
 * (app/fieldbus_frame.c), and the PCI configuration address and I/O BAR
 * decoding its driver uses (drivers/pci.h). */
#include <string.h>

#include "partitions/rtos/app/fieldbus_frame.h"
#include "partitions/rtos/app/jitter.h"
#include "partitions/rtos/drivers/pci.h"
#include "unit.h"

TEST(jitter_empty_reports_zero)
{
    struct jitter_stats s;
    memset(&s, 0x5A, sizeof s);
    jitter_reset(&s);
    CHECK_EQ(s.cycles, 0);
    CHECK_EQ(jitter_avg(&s), 0);
    CHECK_EQ(jitter_spread(&s), 0);
    CHECK_EQ(s.missed, 0);
}

TEST(jitter_min_avg_max_spread)
{
    struct jitter_stats s;
    jitter_reset(&s);
    jitter_add(&s, 1000, 1305); /* 305 */
    CHECK_EQ(s.min, 305);
    CHECK_EQ(s.max, 305);
    CHECK_EQ(jitter_spread(&s), 0);
    jitter_add(&s, 51000, 51300); /* 300 */
    jitter_add(&s, 101000, 101320); /* 320 */
    CHECK_EQ(s.cycles, 3);
    CHECK_EQ(s.min, 300);
    CHECK_EQ(s.max, 320);
    CHECK_EQ(jitter_avg(&s), 308); /* 925 / 3, truncated */
    CHECK_EQ(jitter_spread(&s), 20);
}

/* The first sample sets both bounds, whatever its sign or size: a large
 * first value must not leave min at 0. */
TEST(jitter_first_sample_sets_bounds)
{
    struct jitter_stats s;
    jitter_reset(&s);
    jitter_add(&s, 0, 5000000);
    CHECK_EQ(s.min, 5000000);
    CHECK_EQ(s.max, 5000000);
}

/* A start before its release (a kernel bug) shows as a negative minimum,
 * not as a huge unsigned one. */
TEST(jitter_start_before_release_is_negative)
{
    struct jitter_stats s;
    jitter_reset(&s);
    jitter_add(&s, 1000, 990);
    jitter_add(&s, 2000, 2010);
    CHECK(s.min == -10);
    CHECK(s.max == 10);
    CHECK_EQ(jitter_avg(&s), 0);
    CHECK_EQ(jitter_spread(&s), 20);
}

/* TSC values near the 64-bit wrap still give the small difference. */
TEST(jitter_wraps_with_the_tsc)
{
    struct jitter_stats s;
    jitter_reset(&s);
    jitter_add(&s, UINT64_MAX - 9, 10); /* 20 ticks later, across the wrap */
    CHECK_EQ(s.min, 20);
}

TEST(jitter_missed_cycles_add_no_sample)
{
    struct jitter_stats s;
    jitter_reset(&s);
    jitter_add_missed(&s, 3);
    jitter_add_missed(&s, 0);
    CHECK_EQ(s.missed, 3);
    CHECK_EQ(s.cycles, 0);
}

TEST(frame_header_and_padding)
{
    static const uint8_t mac[6] = {0xb0, 0xc4, 0x20, 0x00, 0x00, 0x02};
    uint8_t f[FIELDBUS_FRAME_LEN];
    memset(f, 0xEE, sizeof f);
    CHECK_EQ(fieldbus_frame_init(f, mac), 60);
    for (int i = 0; i < 6; i++) {
        CHECK_EQ(f[i], 0xFF);
        CHECK_EQ(f[6 + i], mac[i]);
    }
    CHECK_EQ(f[12], 0x88);
    CHECK_EQ(f[13], 0xB5);
    CHECK(memcmp(f + FIELDBUS_OFF_MAGIC, "RTFB", 4) == 0);
    for (int i = FIELDBUS_OFF_SEQ; i < FIELDBUS_FRAME_LEN; i++)
        CHECK_EQ(f[i], 0);
}

TEST(frame_stamp_big_endian_and_nothing_else)
{
    static const uint8_t mac[6] = {1, 2, 3, 4, 5, 6};
    uint8_t f[FIELDBUS_FRAME_LEN], before[FIELDBUS_FRAME_LEN];
    fieldbus_frame_init(f, mac);
    memcpy(before, f, sizeof f);
    fieldbus_frame_stamp(f, 0x01020304u, 0x1112131415161718ull);
    static const uint8_t seq[4] = {1, 2, 3, 4}, tsc[8] = {0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18};
    CHECK(memcmp(f + FIELDBUS_OFF_SEQ, seq, 4) == 0);
    CHECK(memcmp(f + FIELDBUS_OFF_TSC, tsc, 8) == 0);
    CHECK(memcmp(f, before, FIELDBUS_OFF_SEQ) == 0);
    CHECK(memcmp(f + FIELDBUS_OFF_TSC + 8, before + FIELDBUS_OFF_TSC + 8, FIELDBUS_FRAME_LEN - FIELDBUS_OFF_TSC - 8) == 0);
}

TEST(pci_config_address_mechanism_1)
{
    CHECK_EQ(pci_cfg_address(PCI_MAKE_BDF(0, 0, 0), 0), 0x80000000u);
    CHECK_EQ(pci_cfg_address(PCI_MAKE_BDF(0, 3, 0), 0x20), 0x80001820u);
    CHECK_EQ(pci_cfg_address(PCI_MAKE_BDF(0, 1, 1), 0x0E), 0x8000090Cu); /* dword-aligned */
    CHECK_EQ(pci_cfg_address(PCI_MAKE_BDF(255, 31, 7), 0xFF), 0x80FFFFFCu);
    pci_bdf_t b = PCI_MAKE_BDF(2, 17, 5);
    CHECK_EQ(PCI_BDF_BUS(b), 2);
    CHECK_EQ(PCI_BDF_DEV(b), 17);
    CHECK_EQ(PCI_BDF_FN(b), 5);
}

TEST(pci_io_bar_decoding)
{
    CHECK_EQ(pci_bar_io_base(0xC061), 0xC060);     /* the pseudo-NIC's BAR4 in Bochs */
    CHECK_EQ(pci_bar_io_base(0xC063), 0xC060);     /* bit 1 reserved */
    CHECK_EQ(pci_bar_io_base(0x0001), 0);          /* unassigned */
    CHECK_EQ(pci_bar_io_base(0xFEBF0000), 0);      /* memory BAR */
    CHECK_EQ(pci_bar_io_base(0xFFFFFFFF), 0);      /* beyond the 64 KiB port space (absent: all ones) */
    CHECK_EQ(pci_bar_io_base(0x0000FFFD), 0xFFFC);
}
