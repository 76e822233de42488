/* A partition's CMOS clock (hv/rtc_cmos.c): the calendar conversion, the
 * register formats, and the clock as Linux's mc146818_get_time /
 * mc146818_set_time (drivers/rtc/rtc-mc146818-lib.c) read and set it. */
#include <string.h>

#include "hv/rtc_cmos.h"
#include "tests/unit/unit.h"

#define Y2K 946684800ull /* 2000-01-01 00:00:00, a Saturday */
#define BCD_24H 0x02     /* register B as PC firmware leaves it */

static uint8_t reg(struct rtc_cmos *c, uint8_t index, uint64_t now)
{
    rtc_cmos_out(c, RTC_INDEX_PORT, 1, index, now);
    return (uint8_t)rtc_cmos_in(c, RTC_DATA_PORT, 1, now);
}

static bool set_reg(struct rtc_cmos *c, uint8_t index, uint8_t value, uint64_t now)
{
    rtc_cmos_out(c, RTC_INDEX_PORT, 1, index, now);
    return rtc_cmos_out(c, RTC_DATA_PORT, 1, value, now);
}

static struct rtc_date date(uint16_t y, uint8_t mo, uint8_t d, uint8_t h, uint8_t mi, uint8_t s)
{
    return (struct rtc_date){.year = y, .month = mo, .day = d, .hour = h, .minute = mi, .second = s};
}

TEST(known_dates_convert_both_ways)
{
    static const struct {
        uint64_t seconds;
        uint16_t y;
        uint8_t mo, d, h, mi, s, wd;
    } cases[] = {
        {0, 1970, 1, 1, 0, 0, 0, 5},                /* Thursday */
        {Y2K, 2000, 1, 1, 0, 0, 0, 7},              /* Saturday */
        {951782400, 2000, 2, 29, 0, 0, 0, 3},       /* 2000 is a leap year (divisible by 400) */
        {4107542400ull, 2100, 3, 1, 0, 0, 0, 2},    /* 2100 is not: 28 February, then 1 March (a Monday) */
        {4107542399ull, 2100, 2, 28, 23, 59, 59, 1},
        {1709164800, 2024, 2, 29, 0, 0, 0, 5},      /* leap day 2024, a Thursday */
        {1735689599, 2024, 12, 31, 23, 59, 59, 3},  /* day 366 of a leap year */
        {2147483648ull, 2038, 1, 19, 3, 14, 8, 3},  /* past 32-bit time_t */
        {7258118400ull, 2200, 1, 1, 0, 0, 0, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct rtc_date d;
        rtc_seconds_to_date(cases[i].seconds, &d);
        CHECK_EQ(d.year, cases[i].y);
        CHECK_EQ(d.month, cases[i].mo);
        CHECK_EQ(d.day, cases[i].d);
        CHECK_EQ(d.hour, cases[i].h);
        CHECK_EQ(d.minute, cases[i].mi);
        CHECK_EQ(d.second, cases[i].s);
        CHECK_EQ(d.weekday, cases[i].wd);
        CHECK_EQ(rtc_date_to_seconds(&d), cases[i].seconds);
    }
}

TEST(every_day_for_four_centuries_round_trips)
{
    struct rtc_date prev;
    rtc_seconds_to_date(0, &prev);
    for (uint64_t day = 1; day < 146097 * 1 + 30 * 365; day++) {
        struct rtc_date d;
        rtc_seconds_to_date(day * 86400 + 43210, &d);
        CHECK_EQ(rtc_date_to_seconds(&d), day * 86400 + 43210);
        CHECK_EQ(d.weekday, prev.weekday % 7 + 1);
        if (d.day != prev.day + 1) { /* a new month: the old one was full */
            CHECK_EQ(d.day, 1);
            CHECK_EQ(d.month, prev.month % 12 + 1);
        }
        prev = d;
    }
}

TEST(a_day_past_the_month_end_counts_on)
{
    struct rtc_date feb31 = date(2023, 2, 31, 0, 0, 0), mar3 = date(2023, 3, 3, 0, 0, 0);
    struct rtc_date feb31_leap = date(2024, 2, 31, 0, 0, 0), mar2_leap = date(2024, 3, 2, 0, 0, 0);
    CHECK_EQ(rtc_date_to_seconds(&feb31), rtc_date_to_seconds(&mar3));
    CHECK_EQ(rtc_date_to_seconds(&feb31_leap), rtc_date_to_seconds(&mar2_leap));
}

TEST(bcd_binary_and_twelve_hour_formats)
{
    uint8_t v;
    CHECK_EQ(rtc_encode(59, BCD_24H), 0x59);
    CHECK_EQ(rtc_encode(59, RTC_B_BINARY), 59);
    CHECK(rtc_decode(0x47, BCD_24H, &v) && v == 47);
    CHECK(!rtc_decode(0x4A, BCD_24H, &v));
    CHECK(!rtc_decode(0xA1, BCD_24H, &v));
    CHECK(rtc_decode(0xA1, RTC_B_BINARY, &v) && v == 0xA1);
    /* 12-hour: 12 AM is midnight, 12 PM noon (datasheet Table 3). */
    CHECK_EQ(rtc_encode_hour(0, 0), 0x12);
    CHECK_EQ(rtc_encode_hour(12, 0), 0x92);
    CHECK_EQ(rtc_encode_hour(13, 0), 0x81);
    CHECK_EQ(rtc_encode_hour(23, RTC_B_BINARY), 0x80 | 11);
    CHECK_EQ(rtc_encode_hour(23, BCD_24H), 0x23);
    CHECK(rtc_decode_hour(0x12, 0, &v) && v == 0);
    CHECK(rtc_decode_hour(0x92, 0, &v) && v == 12);
    CHECK(rtc_decode_hour(0x81, 0, &v) && v == 13);
    CHECK(!rtc_decode_hour(0x00, 0, &v));
    CHECK(!rtc_decode_hour(0x13, 0, &v));
}

TEST(reads_give_the_machine_time_in_bcd_and_run_on)
{
    struct rtc_cmos c;
    rtc_cmos_reset(&c, 0x26, BCD_24H);
    uint64_t now = Y2K + 13 * 3600 + 45 * 60 + 7; /* 2000-01-01 13:45:07 */
    CHECK_EQ(reg(&c, RTC_SECONDS, now), 0x07);
    CHECK_EQ(reg(&c, RTC_MINUTES, now), 0x45);
    CHECK_EQ(reg(&c, RTC_HOURS, now), 0x13);
    CHECK_EQ(reg(&c, RTC_WEEKDAY, now), 7);
    CHECK_EQ(reg(&c, RTC_DAY, now), 0x01);
    CHECK_EQ(reg(&c, RTC_MONTH, now), 0x01);
    CHECK_EQ(reg(&c, RTC_YEAR, now), 0x00);
    CHECK_EQ(reg(&c, RTC_CENTURY, now), 0x20);
    CHECK_EQ(reg(&c, RTC_SECONDS, now + 1), 0x08);
    CHECK_EQ(reg(&c, RTC_DAY, now + 86400), 0x02);
}

TEST(status_registers_say_valid_and_never_updating)
{
    struct rtc_cmos c;
    rtc_cmos_reset(&c, 0xA6, BCD_24H | 0x70); /* a UIP and interrupt enables from the machine are not kept */
    CHECK_EQ(reg(&c, RTC_REG_A, Y2K), 0x26);
    CHECK_EQ(reg(&c, RTC_REG_B, Y2K), BCD_24H);
    CHECK_EQ(reg(&c, RTC_REG_C, Y2K), 0);
    CHECK_EQ(reg(&c, RTC_REG_D, Y2K), RTC_D_VRT);
    set_reg(&c, RTC_REG_A, 0xF0, Y2K); /* UIP is read-only; the divider bits are kept */
    CHECK_EQ(reg(&c, RTC_REG_A, Y2K), 0x70);
    set_reg(&c, RTC_REG_B, 0x7B, Y2K); /* PIE AIE UIE SQWE DSE: not kept; format bits are */
    CHECK_EQ(reg(&c, RTC_REG_B, Y2K), 0x02);
    set_reg(&c, RTC_REG_C, 0xFF, Y2K);
    set_reg(&c, RTC_REG_D, 0x00, Y2K);
    CHECK_EQ(reg(&c, RTC_REG_C, Y2K), 0);
    CHECK_EQ(reg(&c, RTC_REG_D, Y2K), RTC_D_VRT);
}

TEST(index_port_reads_all_ones_and_its_nmi_bit_is_dropped)
{
    struct rtc_cmos c;
    rtc_cmos_reset(&c, 0x26, BCD_24H);
    rtc_cmos_out(&c, RTC_INDEX_PORT, 1, 0x80 | RTC_REG_D, Y2K);
    CHECK_EQ(c.index, RTC_REG_D);
    CHECK_EQ(rtc_cmos_in(&c, RTC_INDEX_PORT, 1, Y2K), 0xFF);
    CHECK_EQ(rtc_cmos_in(&c, RTC_DATA_PORT, 1, Y2K), RTC_D_VRT);
}

TEST(wide_accesses_split_into_bytes)
{
    struct rtc_cmos c;
    rtc_cmos_reset(&c, 0x26, BCD_24H);
    CHECK(rtc_cmos_handles(0x70, 1) && rtc_cmos_handles(0x71, 1) && rtc_cmos_handles(0x6F, 2) &&
          rtc_cmos_handles(0x6E, 4));
    CHECK(!rtc_cmos_handles(0x72, 1) && !rtc_cmos_handles(0x6E, 2) && !rtc_cmos_handles(0x6C, 4));
    rtc_cmos_out(&c, RTC_INDEX_PORT, 2, 0x5A00 | 0x40, Y2K); /* OUT DX, AX at 0x70: index 0x40, then data 0x5A */
    CHECK_EQ(c.ram[0x40], 0x5A);
    CHECK_EQ(rtc_cmos_in(&c, RTC_INDEX_PORT, 2, Y2K), 0x5AFF);
    CHECK_EQ(rtc_cmos_in(&c, 0x6E, 4, Y2K), 0x5AFFFFFFu); /* 0x6E 0x6F absent, 0x70 write-only, 0x71 */
}

TEST(cmos_ram_and_alarms_start_zero_and_keep_what_is_written)
{
    struct rtc_cmos c;
    rtc_cmos_reset(&c, 0x26, BCD_24H);
    for (unsigned i = 0x0E; i < 0x80; i++)
        if (i != RTC_CENTURY)
            CHECK_EQ(reg(&c, (uint8_t)i, Y2K), 0);
    set_reg(&c, 0x0F, 0x0A, Y2K); /* Linux's warm-reset shutdown code before a SIPI */
    set_reg(&c, RTC_SECONDS_ALARM, 0x30, Y2K);
    set_reg(&c, RTC_HOURS_ALARM, 0xC0, Y2K); /* "don't care" */
    set_reg(&c, 0x7F, 0x99, Y2K);
    CHECK_EQ(reg(&c, 0x0F, Y2K), 0x0A);
    CHECK_EQ(reg(&c, RTC_SECONDS_ALARM, Y2K), 0x30);
    CHECK_EQ(reg(&c, RTC_MINUTES_ALARM, Y2K), 0);
    CHECK_EQ(reg(&c, RTC_HOURS_ALARM, Y2K), 0xC0);
    CHECK_EQ(reg(&c, 0x7F, Y2K), 0x99);
}

/* What Linux's mc146818_set_time does: SET, divider reset, the fields,
 * then B and A restored. */
static void linux_set_time(struct rtc_cmos *c, const struct rtc_date *d, uint64_t now)
{
    uint8_t b = reg(c, RTC_REG_B, now), a = reg(c, RTC_REG_A, now);
    set_reg(c, RTC_REG_B, b | RTC_B_SET, now);
    set_reg(c, RTC_REG_A, a | 0x70, now);
    set_reg(c, RTC_YEAR, rtc_encode((uint8_t)(d->year % 100), b), now);
    set_reg(c, RTC_MONTH, rtc_encode(d->month, b), now);
    set_reg(c, RTC_DAY, rtc_encode(d->day, b), now);
    set_reg(c, RTC_HOURS, rtc_encode_hour(d->hour, b), now);
    set_reg(c, RTC_MINUTES, rtc_encode(d->minute, b), now);
    set_reg(c, RTC_SECONDS, rtc_encode(d->second, b), now);
    set_reg(c, RTC_CENTURY, rtc_encode((uint8_t)(d->year / 100), b), now + 5); /* time passes while held */
    CHECK(set_reg(c, RTC_REG_B, b, now + 5));
    set_reg(c, RTC_REG_A, a, now + 5);
}

TEST(a_guest_sets_its_clock_and_it_runs_on_from_there)
{
    struct rtc_cmos c, other;
    rtc_cmos_reset(&c, 0x26, BCD_24H);
    rtc_cmos_reset(&other, 0x26, BCD_24H);
    struct rtc_date want = date(2042, 6, 15, 12, 34, 56), got;
    linux_set_time(&c, &want, Y2K + 100);
    CHECK_EQ(reg(&c, RTC_REG_A, Y2K + 105), 0x26);
    rtc_cmos_time(&c, Y2K + 105, &got);
    CHECK_EQ(rtc_date_to_seconds(&got), rtc_date_to_seconds(&want));
    CHECK_EQ(got.weekday, 1); /* 2042-06-15 is a Sunday */
    CHECK_EQ(reg(&c, RTC_YEAR, Y2K + 105 + 3600), 0x42);
    CHECK_EQ(reg(&c, RTC_CENTURY, Y2K + 105 + 3600), 0x20);
    CHECK_EQ(reg(&c, RTC_HOURS, Y2K + 105 + 3600), 0x13);
    CHECK_EQ(reg(&c, RTC_SECONDS, Y2K + 105 + 3), 0x59);
    /* Another partition's clock is its own. */
    CHECK_EQ(reg(&other, RTC_YEAR, Y2K + 105), 0x00);
    CHECK_EQ(reg(&other, RTC_MINUTES, Y2K + 105), 0x01);
}

TEST(while_set_the_registers_hold_what_was_written)
{
    struct rtc_cmos c;
    rtc_cmos_reset(&c, 0x26, BCD_24H);
    set_reg(&c, RTC_REG_B, BCD_24H | RTC_B_SET, Y2K + 30);
    CHECK_EQ(reg(&c, RTC_SECONDS, Y2K + 40), 0x30); /* held */
    set_reg(&c, RTC_MINUTES, 0x10, Y2K + 40);
    CHECK_EQ(reg(&c, RTC_MINUTES, Y2K + 50), 0x10);
    CHECK(!set_reg(&c, RTC_SECONDS, 0x61, Y2K + 50)); /* out of range: ignored */
    CHECK(!set_reg(&c, RTC_DAY, 0x3A, Y2K + 50));     /* invalid BCD: ignored */
    CHECK_EQ(reg(&c, RTC_SECONDS, Y2K + 50), 0x30);
    CHECK_EQ(reg(&c, RTC_DAY, Y2K + 50), 0x01);
    CHECK(set_reg(&c, RTC_REG_B, BCD_24H, Y2K + 60));
    CHECK_EQ(reg(&c, RTC_MINUTES, Y2K + 60), 0x10);
    CHECK_EQ(reg(&c, RTC_SECONDS, Y2K + 62), 0x32);
}

TEST(a_time_register_written_while_running_sets_the_clock)
{
    struct rtc_cmos c;
    rtc_cmos_reset(&c, 0x26, BCD_24H);
    CHECK(set_reg(&c, RTC_HOURS, 0x22, Y2K + 5));
    CHECK_EQ(reg(&c, RTC_HOURS, Y2K + 5), 0x22);
    CHECK_EQ(reg(&c, RTC_SECONDS, Y2K + 6), 0x06);
    CHECK(!set_reg(&c, RTC_HOURS, 0x24, Y2K + 6));
    CHECK(!set_reg(&c, RTC_CENTURY, 0x19, Y2K + 6)); /* 1900: before 1970, not taken */
    CHECK_EQ(reg(&c, RTC_CENTURY, Y2K + 6), 0x20);
    CHECK(set_reg(&c, RTC_CENTURY, 0x21, Y2K + 6));
    CHECK_EQ(reg(&c, RTC_YEAR, Y2K + 6), 0x00);
    CHECK_EQ(reg(&c, RTC_CENTURY, Y2K + 6), 0x21);
    /* 2100-01-01 is a Friday: register 6 follows the date, whatever is
     * written to it (as Bochs's and QEMU's clocks do). */
    CHECK_EQ(reg(&c, RTC_WEEKDAY, Y2K + 6), 6);
    set_reg(&c, RTC_WEEKDAY, 3, Y2K + 6);
    CHECK_EQ(reg(&c, RTC_WEEKDAY, Y2K + 6), 6);
    CHECK_EQ(reg(&c, RTC_WEEKDAY, Y2K + 6 + 86400), 7);
}

TEST(binary_and_twelve_hour_formats_chosen_by_the_guest)
{
    struct rtc_cmos c;
    rtc_cmos_reset(&c, 0x26, BCD_24H);
    uint64_t now = Y2K + 86400 * 365 + 15 * 3600 + 59; /* 2000-12-31 15:00:59 */
    set_reg(&c, RTC_REG_B, RTC_B_BINARY | RTC_B_24H, now);
    CHECK_EQ(reg(&c, RTC_SECONDS, now), 59);
    CHECK_EQ(reg(&c, RTC_HOURS, now), 15);
    CHECK_EQ(reg(&c, RTC_DAY, now), 31);
    CHECK_EQ(reg(&c, RTC_MONTH, now), 12);
    CHECK_EQ(reg(&c, RTC_CENTURY, now), 20);
    set_reg(&c, RTC_REG_B, RTC_B_BINARY, now);
    CHECK_EQ(reg(&c, RTC_HOURS, now), 0x80 | 3);
    set_reg(&c, RTC_REG_B, 0, now);
    CHECK_EQ(reg(&c, RTC_HOURS, now), 0x83);
    CHECK(set_reg(&c, RTC_HOURS, 0x12, now)); /* 12 AM in BCD 12-hour: midnight */
    set_reg(&c, RTC_REG_B, BCD_24H, now);
    CHECK_EQ(reg(&c, RTC_HOURS, now), 0x00);
}
