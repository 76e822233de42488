/* The CMOS real-time clock (probe group "rtc", keys rtc.*), as kernels
 * read it at boot (Linux's mc146818_get_time): index port 0x70, data
 * port 0x71, register A's update-in-progress bit, register B's format
 * bits, register D's valid-time bit (MC146818A datasheet, "Registers").
 * Then what a kernel that keeps the clock does: switch the format, set
 * the time with register B's SET bit (mc146818_set_time), and see it run
 * on from there. Only facts print, never the time itself; the clock is
 * put back (plus the seconds the probe took) at the end. The machine's
 * TSC rate is not known here (bare Bochs's CPUID claims 3.5 GHz while its
 * TSC runs at 50 MHz): the waits are bounded by the rate CPUID claims,
 * and end at once on a working clock. */
#include <stdbool.h>
#include <stdint.h>

#include "partitions/common/cpu.h"
#include "partitions/conform/conform.h"

#define RTC_INDEX 0x70
#define RTC_DATA 0x71
#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS 0x04
#define REG_DAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_A 0x0A
#define REG_B 0x0B
#define REG_C 0x0C
#define REG_D 0x0D
#define REG_CENTURY 0x32
#define A_UIP 0x80
#define B_SET 0x80
#define B_BINARY 0x04
#define B_24H 0x02
#define C_IRQF 0x80
#define D_VRT 0x80
#define HOUR_PM 0x80

#define FALLBACK_TSC_HZ 4000000000ull
#define UIP_WAIT_MS 10     /* an update holds UIP for 2 ms at most */
#define SECOND_WAIT_MS 1500

struct time {
    uint32_t year, month, day, hour, minute, second;
};

static uint8_t cmos_read(uint8_t index)
{
    outb(RTC_INDEX, index);
    return inb(RTC_DATA);
}

static void cmos_write(uint8_t index, uint8_t value)
{
    outb(RTC_INDEX, index);
    outb(RTC_DATA, value);
}

/* CPUID 0x15 (TSC/crystal ratio times the crystal), else 0x16's base
 * MHz, else a fast CPU's rate: only ever an upper bound for a wait. */
static uint64_t claimed_tsc_hz(void)
{
    uint32_t max = conf_cpuid(0, 0).eax;
    if (max >= 0x15) {
        struct conf_cpuid r = conf_cpuid(0x15, 0);
        if (r.eax && r.ebx && r.ecx)
            return (uint64_t)r.ecx * r.ebx / r.eax;
    }
    if (max >= 0x16 && (conf_cpuid(0x16, 0).eax & 0xFFFF))
        return (uint64_t)(conf_cpuid(0x16, 0).eax & 0xFFFF) * 1000000;
    return FALLBACK_TSC_HZ;
}

static uint64_t ms_ticks(uint32_t ms) { return claimed_tsc_hz() / 1000 * ms; }

static bool wait_uip_clear(void)
{
    uint64_t t0 = conf_rdtsc(), limit = ms_ticks(UIP_WAIT_MS);
    while (cmos_read(REG_A) & A_UIP)
        if (conf_rdtsc() - t0 > limit)
            return false;
    return true;
}

static bool decode(uint8_t raw, uint8_t b, uint32_t *v)
{
    if (b & B_BINARY) {
        *v = raw;
        return true;
    }
    if ((raw >> 4) > 9 || (raw & 0xF) > 9)
        return false;
    *v = (raw >> 4) * 10u + (raw & 0xFu);
    return true;
}

static uint8_t encode(uint32_t v, uint8_t b) { return (uint8_t)(b & B_BINARY ? v : (v / 10) << 4 | v % 10); }

static bool decode_hour(uint8_t raw, uint8_t b, uint32_t *h)
{
    if (b & B_24H)
        return decode(raw, b, h);
    uint32_t twelve;
    if (!decode(raw & (uint8_t)~HOUR_PM, b, &twelve) || twelve < 1 || twelve > 12)
        return false;
    *h = twelve % 12 + (raw & HOUR_PM ? 12 : 0);
    return true;
}

/* The time, read as Linux does (UIP clear first), in the format B has;
 * false when a field does not decode or is out of range. */
static bool read_time(struct time *t)
{
    if (!wait_uip_clear())
        return false;
    uint8_t b = cmos_read(REG_B);
    uint32_t century = 0;
    bool ok = decode(cmos_read(REG_SECONDS), b, &t->second) && decode(cmos_read(REG_MINUTES), b, &t->minute) &&
              decode_hour(cmos_read(REG_HOURS), b, &t->hour) && decode(cmos_read(REG_DAY), b, &t->day) &&
              decode(cmos_read(REG_MONTH), b, &t->month) && decode(cmos_read(REG_YEAR), b, &t->year) &&
              decode(cmos_read(REG_CENTURY), b, &century);
    t->year += century * 100;
    return ok && t->second < 60 && t->minute < 60 && t->hour < 24 && t->day >= 1 && t->day <= 31 &&
           t->month >= 1 && t->month <= 12 && t->year >= 2000 && t->year <= 2199;
}

static bool leap(uint32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static uint32_t month_days(uint32_t y, uint32_t m)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && leap(y));
}

/* Seconds since 2000-01-01 00:00:00 and back (years 2000-2135). */
static uint32_t to_seconds(const struct time *t)
{
    uint32_t days = t->day - 1;
    for (uint32_t y = 2000; y < t->year; y++)
        days += leap(y) ? 366 : 365;
    for (uint32_t m = 1; m < t->month; m++)
        days += month_days(t->year, m);
    return days * 86400 + t->hour * 3600 + t->minute * 60 + t->second;
}

static void from_seconds(uint32_t s, struct time *t)
{
    uint32_t days = s / 86400;
    t->second = s % 60, t->minute = s / 60 % 60, t->hour = s / 3600 % 24;
    for (t->year = 2000; days >= (leap(t->year) ? 366u : 365u); t->year++)
        days -= leap(t->year) ? 366 : 365;
    for (t->month = 1; days >= month_days(t->year, t->month); t->month++)
        days -= month_days(t->year, t->month);
    t->day = days + 1;
}

/* mc146818_set_time's sequence: SET, the fields, SET cleared. */
static void set_time(const struct time *t)
{
    uint8_t b = cmos_read(REG_B);
    cmos_write(REG_B, b | B_SET);
    cmos_write(REG_YEAR, encode(t->year % 100, b));
    cmos_write(REG_CENTURY, encode(t->year / 100, b));
    cmos_write(REG_MONTH, encode(t->month, b));
    cmos_write(REG_DAY, encode(t->day, b));
    uint8_t hour12 = (uint8_t)(encode(t->hour % 12 ? t->hour % 12 : 12, b) | (t->hour >= 12 ? HOUR_PM : 0));
    cmos_write(REG_HOURS, b & B_24H ? encode(t->hour, b) : hour12);
    cmos_write(REG_MINUTES, encode(t->minute, b));
    cmos_write(REG_SECONDS, encode(t->second, b));
    cmos_write(REG_B, b);
}

/* The seconds register changes within SECOND_WAIT_MS, by one. */
static void advances(void)
{
    wait_uip_clear();
    uint32_t s0 = cmos_read(REG_SECONDS), s = s0;
    uint64_t t0 = conf_rdtsc(), limit = ms_ticks(SECOND_WAIT_MS);
    while (s == s0 && conf_rdtsc() - t0 <= limit)
        if (wait_uip_clear())
            s = cmos_read(REG_SECONDS);
    uint32_t a, b;
    uint8_t fmt = cmos_read(REG_B);
    bool changed = s != s0 && decode((uint8_t)s0, fmt, &a) && decode((uint8_t)s, fmt, &b);
    conf("rtc.advances", "%s", changed ? "ok" : "never");
    if (changed)
        conf("rtc.seconds_step", "%u", (b + 60 - a) % 60);
}

/* The same time read in binary as in BCD (or the other way round). */
static void format_switch(void)
{
    struct time before, other, after;
    uint8_t b = cmos_read(REG_B);
    bool ok = read_time(&before);
    cmos_write(REG_B, b ^ B_BINARY);
    ok = ok && read_time(&other);
    cmos_write(REG_B, b);
    ok = ok && read_time(&after);
    uint32_t t0 = to_seconds(&before), t1 = to_seconds(&other), t2 = to_seconds(&after);
    conf("rtc.format_switch", "%s", ok && t0 <= t1 && t1 <= t2 && t2 - t0 <= 1 ? "consistent" : "differs");
}

/* Sets 2042-06-15 12:34:56, reads it back, puts the clock back where it
 * would have been. */
static void set_and_restore(const struct time *start)
{
    static const struct time target = {2042, 6, 15, 12, 34, 56};
    uint32_t t_start = to_seconds(start);
    set_time(&target);
    struct time now;
    bool ok = read_time(&now);
    uint32_t elapsed = ok ? to_seconds(&now) - to_seconds(&target) : 0;
    conf("rtc.set", "%s", ok && elapsed <= 1 ? "ok" : "lost");
    struct time back;
    from_seconds(t_start + elapsed, &back);
    set_time(&back);
    bool restored = read_time(&now) && to_seconds(&now) - (t_start + elapsed) <= 1;
    conf("rtc.set_back", "%s", restored ? "ok" : "lost");
}

void probe_rtc(void)
{
    conf("rtc.index_read", "0x%02x", inb(RTC_INDEX));
    conf("rtc.reg_d_valid", "%u", cmos_read(REG_D) & D_VRT ? 1u : 0u);
    bool uip = wait_uip_clear();
    conf("rtc.uip_clears", "%s", uip ? "ok" : "never");
    conf("rtc.reg_a_divider", "0x%02x", cmos_read(REG_A) & 0x7F);
    uint8_t b = cmos_read(REG_B);
    conf("rtc.format", "%s,%s", b & B_BINARY ? "binary" : "bcd", b & B_24H ? "24h" : "12h");
    conf("rtc.reg_c_irqf", "%u", cmos_read(REG_C) & C_IRQF ? 1u : 0u);
    struct time start;
    bool sane = uip && read_time(&start);
    conf("rtc.time_sane", "%s", sane ? "ok" : "bad");
    if (!sane) { /* no clock to watch run or set */
        conf("rtc.skipped", "advances,format_switch,set");
        return;
    }
    advances();
    format_switch();
    read_time(&start);
    set_and_restore(&start);
}
