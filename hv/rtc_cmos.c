/* A partition's CMOS clock (hv/rtc_cmos.h). Register layout and formats:
 * MC146818A datasheet, "Address map", "Time, calendar and alarm data
 * modes" (Table 3) and "Registers". The calendar conversion is the
 * proleptic Gregorian one over 400-year eras (146 097 days each). */
#include "hv/rtc_cmos.h"

#include "hv/string.h"

#define SECONDS_PER_DAY 86400u
#define DAYS_PER_ERA 146097
#define EPOCH_SHIFT 719468 /* days from 0000-03-01 to 1970-01-01 */
#define EPOCH_YEAR 1970
#define THURSDAY 4         /* 1970-01-01, counting Sunday as 0 */
#define FORMAT_BITS (RTC_B_BINARY | RTC_B_24H)
#define REG_B_KEPT (RTC_B_SET | FORMAT_BITS)

/* Days since 1970-01-01 of year-month-day (month 1-12, day from 1). The
 * year is counted from March, so that February's leap day is the last
 * day of its year. */
static int64_t days_from_date(int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    unsigned year_of_era = (unsigned)(year - era * 400);
    unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * DAYS_PER_ERA + (int64_t)day_of_era - EPOCH_SHIFT;
}

uint64_t rtc_date_to_seconds(const struct rtc_date *d)
{
    int64_t days = days_from_date(d->year, d->month, d->day);
    return (uint64_t)days * SECONDS_PER_DAY + d->hour * 3600u + d->minute * 60u + d->second;
}

static uint8_t weekday_of(uint64_t days) { return (uint8_t)((days + THURSDAY) % 7 + 1); }

void rtc_seconds_to_date(uint64_t seconds, struct rtc_date *d)
{
    uint64_t days = seconds / SECONDS_PER_DAY, in_day = seconds % SECONDS_PER_DAY;
    uint64_t z = days + EPOCH_SHIFT;
    uint64_t era = z / DAYS_PER_ERA, day_of_era = z % DAYS_PER_ERA;
    uint64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    uint64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    uint64_t month_from_march = (5 * day_of_year + 2) / 153;
    d->day = (uint8_t)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    d->month = (uint8_t)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    d->year = (uint16_t)(era * 400 + year_of_era + (d->month <= 2));
    d->hour = (uint8_t)(in_day / 3600);
    d->minute = (uint8_t)(in_day / 60 % 60);
    d->second = (uint8_t)(in_day % 60);
    d->weekday = weekday_of(days);
}

/* ------------------------------------------------------------ formats */

uint8_t rtc_encode(uint8_t value, uint8_t reg_b)
{
    return reg_b & RTC_B_BINARY ? value : (uint8_t)((value / 10 % 10) << 4 | value % 10);
}

bool rtc_decode(uint8_t raw, uint8_t reg_b, uint8_t *value)
{
    if (reg_b & RTC_B_BINARY) {
        *value = raw;
        return true;
    }
    if ((raw >> 4) > 9 || (raw & 0xF) > 9)
        return false;
    *value = (uint8_t)((raw >> 4) * 10 + (raw & 0xF));
    return true;
}

uint8_t rtc_encode_hour(uint8_t hour, uint8_t reg_b)
{
    if (reg_b & RTC_B_24H)
        return rtc_encode(hour, reg_b);
    uint8_t twelve = hour % 12 ? hour % 12 : 12;
    return (uint8_t)(rtc_encode(twelve, reg_b) | (hour >= 12 ? RTC_HOUR_PM : 0));
}

bool rtc_decode_hour(uint8_t raw, uint8_t reg_b, uint8_t *hour)
{
    if (reg_b & RTC_B_24H)
        return rtc_decode(raw, reg_b, hour);
    uint8_t twelve;
    if (!rtc_decode(raw & (uint8_t)~RTC_HOUR_PM, reg_b, &twelve) || twelve < 1 || twelve > 12)
        return false;
    *hour = (uint8_t)(twelve % 12 + (raw & RTC_HOUR_PM ? 12 : 0));
    return true;
}

/* -------------------------------------------------------------- clock */

void rtc_cmos_reset(struct rtc_cmos *c, uint8_t reg_a, uint8_t reg_b)
{
    memset(c, 0, sizeof *c);
    c->reg_a = reg_a & (uint8_t)~RTC_A_UIP;
    c->reg_b = reg_b & FORMAT_BITS;
    c->ready = true;
}

void rtc_cmos_time(const struct rtc_cmos *c, uint64_t now, struct rtc_date *d)
{
    int64_t seconds = (int64_t)now + c->offset;
    rtc_seconds_to_date(seconds > 0 ? (uint64_t)seconds : 0, d);
}

/* The time registers show the held values while SET is 1 (the datasheet:
 * updates stop), the running clock otherwise. */
static void shown_time(const struct rtc_cmos *c, uint64_t now, struct rtc_date *d)
{
    if (c->reg_b & RTC_B_SET)
        *d = c->held;
    else
        rtc_cmos_time(c, now, d);
}

static bool is_time_register(uint8_t index)
{
    switch (index) {
    case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS: case RTC_WEEKDAY:
    case RTC_DAY: case RTC_MONTH: case RTC_YEAR: case RTC_CENTURY:
        return true;
    default:
        return false;
    }
}

static uint8_t time_field(const struct rtc_date *d, uint8_t index, uint8_t reg_b)
{
    switch (index) {
    case RTC_SECONDS: return rtc_encode(d->second, reg_b);
    case RTC_MINUTES: return rtc_encode(d->minute, reg_b);
    case RTC_HOURS: return rtc_encode_hour(d->hour, reg_b);
    case RTC_WEEKDAY: return rtc_encode(d->weekday, reg_b);
    case RTC_DAY: return rtc_encode(d->day, reg_b);
    case RTC_MONTH: return rtc_encode(d->month, reg_b);
    case RTC_YEAR: return rtc_encode((uint8_t)(d->year % 100), reg_b);
    default: return rtc_encode((uint8_t)(d->year / 100), reg_b); /* RTC_CENTURY */
    }
}

static uint8_t read_register(const struct rtc_cmos *c, uint8_t index, uint64_t now)
{
    if (is_time_register(index)) {
        struct rtc_date d;
        shown_time(c, now, &d);
        return time_field(&d, index, c->reg_b);
    }
    switch (index) {
    case RTC_REG_A: return c->reg_a; /* UIP 0: the time is computed at the read */
    case RTC_REG_B: return c->reg_b;
    case RTC_REG_C: return 0;         /* no interrupt is ever enabled or pending */
    case RTC_REG_D: return RTC_D_VRT;
    default: return c->ram[index];
    }
}

static bool in_range(uint8_t v, uint8_t lo, uint8_t hi) { return v >= lo && v <= hi; }

/* Stores a written time register into d; false (d untouched) for a value
 * the format cannot hold or outside the field's range. */
static bool set_time_field(struct rtc_date *d, uint8_t index, uint8_t raw, uint8_t reg_b)
{
    uint8_t v;
    if (index == RTC_HOURS) {
        if (!rtc_decode_hour(raw, reg_b, &v) || v > 23)
            return false;
        d->hour = v;
        return true;
    }
    if (!rtc_decode(raw, reg_b, &v))
        return false;
    switch (index) {
    case RTC_SECONDS: return in_range(v, 0, 59) && (d->second = v, true);
    case RTC_MINUTES: return in_range(v, 0, 59) && (d->minute = v, true);
    case RTC_WEEKDAY: return false; /* follows from the date */
    case RTC_DAY: return in_range(v, 1, 31) && (d->day = v, true);
    case RTC_MONTH: return in_range(v, 1, 12) && (d->month = v, true);
    case RTC_YEAR: return in_range(v, 0, 99) && (d->year = (uint16_t)(d->year / 100 * 100 + v), true);
    default: return in_range(v, 0, 99) && (d->year = (uint16_t)(v * 100 + d->year % 100), true); /* century */
    }
}

/* The clock runs on from d: only this partition's offset moves. A date
 * before 1970 is not taken (the clock keeps its time). The weekday
 * follows from the date, as in Bochs's and QEMU's clocks, whatever was
 * written to register 6. */
static bool commit_time(struct rtc_cmos *c, const struct rtc_date *d, uint64_t now)
{
    if (d->year < EPOCH_YEAR)
        return false;
    c->offset = (int64_t)rtc_date_to_seconds(d) - (int64_t)now;
    return true;
}

static bool write_time_register(struct rtc_cmos *c, uint8_t index, uint8_t value, uint64_t now)
{
    if (c->reg_b & RTC_B_SET)
        return set_time_field(&c->held, index, value, c->reg_b), false;
    struct rtc_date d;
    rtc_cmos_time(c, now, &d);
    return set_time_field(&d, index, value, c->reg_b) && commit_time(c, &d, now);
}

/* Register B: SET 0 -> 1 holds the time shown, 1 -> 0 lets it run from
 * what was written meanwhile. Interrupt enables, square wave and
 * daylight saving are not kept (no IRQ 8 for partitions; no DST jumps). */
static bool write_reg_b(struct rtc_cmos *c, uint8_t value, uint64_t now)
{
    uint8_t old = c->reg_b, new = value & REG_B_KEPT;
    bool set = false;
    if (!(old & RTC_B_SET) && (new & RTC_B_SET))
        rtc_cmos_time(c, now, &c->held);
    if ((old & RTC_B_SET) && !(new & RTC_B_SET))
        set = commit_time(c, &c->held, now);
    c->reg_b = new;
    return set;
}

static bool write_register(struct rtc_cmos *c, uint8_t index, uint8_t value, uint64_t now)
{
    if (is_time_register(index))
        return write_time_register(c, index, value, now);
    switch (index) {
    case RTC_REG_A:
        c->reg_a = value & (uint8_t)~RTC_A_UIP; /* UIP is read-only */
        return false;
    case RTC_REG_B:
        return write_reg_b(c, value, now);
    case RTC_REG_C:
    case RTC_REG_D:
        return false; /* read-only */
    default:
        c->ram[index] = value;
        return false;
    }
}

/* ---------------------------------------------------------------- ports */

bool rtc_cmos_handles(uint16_t port, uint32_t size) { return port <= RTC_DATA_PORT && port + size > RTC_INDEX_PORT; }

uint32_t rtc_cmos_in(struct rtc_cmos *c, uint16_t port, uint32_t size, uint64_t now)
{
    uint32_t value = 0;
    for (uint32_t i = 0; i < size; i++) {
        uint32_t byte = port + i == RTC_DATA_PORT ? read_register(c, c->index, now) : 0xFF;
        value |= byte << (8 * i);
    }
    return value;
}

bool rtc_cmos_out(struct rtc_cmos *c, uint16_t port, uint32_t size, uint32_t value, uint64_t now)
{
    bool set = false;
    for (uint32_t i = 0; i < size; i++) {
        uint8_t byte = (uint8_t)(value >> (8 * i));
        if (port + i == RTC_INDEX_PORT)
            c->index = byte & RTC_INDEX_MASK; /* bit 7, the NMI mask, goes nowhere: NMIs are the hypervisor's */
        else if (port + i == RTC_DATA_PORT)
            set |= write_register(c, c->index, byte, now);
    }
    return set;
}
