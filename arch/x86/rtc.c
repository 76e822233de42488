/* The machine's CMOS clock at boot (arch/x86/rtc.h). Reading protocol:
 * MC146818A datasheet, "Update cycle": while register A's UIP is 0 no
 * update begins for at least 244 us, so a read that starts with UIP 0
 * and ends with the same values as a second pass is consistent. */
#include "arch/x86/rtc.h"

#include "arch/x86/cpu.h"
#include "arch/x86/platform.h"
#include "arch/x86/tsc.h"
#include "hv/console.h"
#include "hv/rtc_cmos.h"
#include "hv/string.h"

#define UIP_WAIT_US 10000 /* an update holds UIP for 244 + 1984 us at most */
#define READ_TRIES 4
#define FALLBACK_REG_A 0x26 /* 32.768 kHz time base, 1024 Hz rate: what firmware sets */
#define FALLBACK_REG_B RTC_B_24H /* BCD, 24-hour */

struct rtc_machine rtc_machine;

/* Index with bit 7 clear: NMIs stay enabled (the hypervisor takes them,
 * vmx/nmi.c), as every kernel's CMOS access leaves them. */
static uint8_t cmos_read(uint8_t index)
{
    outb(RTC_INDEX_PORT, index);
    return inb(RTC_DATA_PORT);
}

static bool wait_uip_clear(void)
{
    uint64_t limit = platform.tsc_hz / 1000000 * UIP_WAIT_US, t0 = rdtsc();
    while (cmos_read(RTC_REG_A) & RTC_A_UIP)
        if (rdtsc() - t0 > limit)
            return false;
    return true;
}

struct raw_time {
    uint8_t r[6], century;
};

static void read_raw(struct raw_time *t)
{
    static const uint8_t index[6] = {RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY, RTC_MONTH, RTC_YEAR};
    for (int i = 0; i < 6; i++)
        t->r[i] = cmos_read(index[i]);
    t->century = cmos_read(RTC_CENTURY);
}

/* The century byte is trusted when it says 20 or 21; otherwise the year
 * is placed in 1970-2069, as Linux does without an ACPI century field. */
static bool decode(const struct raw_time *t, uint8_t reg_b, struct rtc_date *d)
{
    uint8_t v[6], century;
    if (!rtc_decode(t->r[0], reg_b, &v[0]) || !rtc_decode(t->r[1], reg_b, &v[1]) ||
        !rtc_decode_hour(t->r[2], reg_b, &v[2]))
        return false;
    for (int i = 3; i < 6; i++)
        if (!rtc_decode(t->r[i], reg_b, &v[i]))
            return false;
    if (v[0] > 59 || v[1] > 59 || v[2] > 23 || v[3] < 1 || v[3] > 31 || v[4] < 1 || v[4] > 12 || v[5] > 99)
        return false;
    bool century_ok = rtc_decode(t->century, reg_b, &century) && (century == 20 || century == 21);
    d->second = v[0], d->minute = v[1], d->hour = v[2], d->day = v[3], d->month = v[4];
    d->year = (uint16_t)((century_ok ? century : v[5] < 70 ? 20 : 19) * 100 + v[5]);
    return true;
}

/* One consistent reading: two passes that agree, each started with UIP 0. */
static bool read_time(uint8_t reg_b, struct rtc_date *d)
{
    for (int i = 0; i < READ_TRIES; i++) {
        struct raw_time a, b;
        if (!wait_uip_clear())
            return false;
        read_raw(&a);
        if (!wait_uip_clear())
            return false;
        read_raw(&b);
        if (memcmp(&a, &b, sizeof a) == 0)
            return decode(&a, reg_b, d);
    }
    return false;
}

static const char *why_absent(uint8_t reg_a, uint8_t reg_d)
{
    if (reg_a == 0xFF && reg_d == 0xFF)
        return "ports 0x70/0x71 read all ones";
    if (!(reg_d & RTC_D_VRT))
        return "register D says its time is not valid";
    return "no consistent reading in BCD or binary";
}

void rtc_read_machine_clock(void)
{
    struct rtc_machine *m = &rtc_machine;
    uint8_t reg_a = cmos_read(RTC_REG_A), reg_b = cmos_read(RTC_REG_B), reg_d = cmos_read(RTC_REG_D);
    struct rtc_date d;
    m->present = reg_d != 0xFF && (reg_d & RTC_D_VRT) && read_time(reg_b, &d);
    m->boot_tsc = rdtsc();
    cmos_read(RTC_REG_D); /* leave the index off the time and NVRAM bytes, as Linux does */
    if (!m->present) {
        m->reg_a = FALLBACK_REG_A, m->reg_b = FALLBACK_REG_B;
        m->boot_seconds = RTC_FALLBACK_SECONDS;
        printk("RTC: none usable (%s): partitions' CMOS clocks start at 2000-01-01 00:00:00",
               why_absent(reg_a, reg_d));
        return;
    }
    m->reg_a = reg_a & (uint8_t)~RTC_A_UIP, m->reg_b = reg_b;
    m->boot_seconds = rtc_date_to_seconds(&d);
    printk("RTC: %04u-%02u-%02u %02u:%02u:%02u (%s, %s): partitions' CMOS clocks start from it", d.year, d.month,
           d.day, d.hour, d.minute, d.second, reg_b & RTC_B_BINARY ? "binary" : "BCD",
           reg_b & RTC_B_24H ? "24-hour" : "12-hour");
}

uint64_t rtc_machine_now(void)
{
    uint64_t hz = platform.tsc_hz ? platform.tsc_hz : 1;
    return rtc_machine.boot_seconds + (rdtsc() - rtc_machine.boot_tsc) / hz;
}
