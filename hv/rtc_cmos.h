/* A partition's CMOS clock: an MC146818-compatible real-time clock and
 * its CMOS RAM, as a PC kernel reaches them through the index port 0x70
 * (bits 6-0 select a register; bit 7 masks NMIs on a PC chipset) and the
 * data port 0x71 (MC146818A datasheet, "Address map" and "Registers";
 * PIIX/ICH datasheets for the ports). Neither port is ever given to a
 * partition (hv/config_check.c: the NMI mask and the CMOS are the whole
 * machine's): each partition has one of these, emulated by the
 * hypervisor (vmx/exit_io.c).
 *
 * Its time is the machine's clock (read once at boot, arch/x86/rtc.h)
 * plus the partition's own offset: computed at each read, so an update
 * is never in progress (register A's UIP stays 0) and the clock never
 * stops. A guest may set it (SET bit of register B, or a plain write of a
 * time register): only its own offset moves. It may choose BCD or binary
 * and 12- or 24-hour format (register B); the time is then given in that
 * format. No interrupt (IRQ 8) is given to a partition: the interrupt
 * enables of register B read 0 and register C's flags stay 0. The other
 * CMOS bytes (0x0E-0x7F but the century, 0x32) are the partition's own
 * RAM, zero at first use (no floppy, no disk, diagnostics clear, normal
 * shutdown: no firmware set them), and keep what it writes; the alarm
 * registers likewise. Pure: also compiled into the host unit test. */
#ifndef HV_RTC_CMOS_H
#define HV_RTC_CMOS_H

#include "hv/types.h"

#define RTC_INDEX_PORT 0x70
#define RTC_DATA_PORT 0x71

/* Register indexes (MC146818A; 0x32 is the PC/AT century byte, the one
 * ACPI's FADT CENTURY field names on PCs and Bochs's BIOS tables). */
#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_WEEKDAY 0x06
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0A
#define RTC_REG_B 0x0B
#define RTC_REG_C 0x0C
#define RTC_REG_D 0x0D
#define RTC_CENTURY 0x32

#define RTC_A_UIP 0x80     /* update in progress */
#define RTC_B_SET 0x80     /* updates held: the time registers are being set */
#define RTC_B_BINARY 0x04  /* DM: binary (1) or BCD (0) */
#define RTC_B_24H 0x02     /* 24-hour (1) or 12-hour (0) */
#define RTC_D_VRT 0x80     /* valid RAM and time */
#define RTC_HOUR_PM 0x80   /* 12-hour mode: the PM flag in the hours register */
#define RTC_INDEX_MASK 0x7F

/* A date and time of day, UTC as the clock holds it. */
struct rtc_date {
    uint16_t year;   /* full year, 1970 or later */
    uint8_t month;   /* 1-12 */
    uint8_t day;     /* 1-31 */
    uint8_t hour;    /* 0-23 */
    uint8_t minute;  /* 0-59 */
    uint8_t second;  /* 0-59 */
    uint8_t weekday; /* 1 (Sunday) - 7, as register 6 counts; follows from the date */
};

/* Seconds since 1970-01-01 00:00:00 and back (Gregorian calendar: leap
 * years every 4, not every 100, every 400). A date's day may run past its
 * month's end (31 February is 3 March, or 2 in a leap year). */
uint64_t rtc_date_to_seconds(const struct rtc_date *d);
void rtc_seconds_to_date(uint64_t seconds, struct rtc_date *d);

/* A register value in the format register B selects and back: BCD or
 * binary, and for hours 12-hour with the PM flag or 24-hour. Decoding
 * fails (false) on an invalid BCD digit or an hour outside 1-12 in
 * 12-hour mode; ranges are the caller's to check. */
uint8_t rtc_encode(uint8_t value, uint8_t reg_b);
bool rtc_decode(uint8_t raw, uint8_t reg_b, uint8_t *value);
uint8_t rtc_encode_hour(uint8_t hour, uint8_t reg_b);
bool rtc_decode_hour(uint8_t raw, uint8_t reg_b, uint8_t *hour);

struct rtc_cmos {
    bool ready;             /* reset done (at the partition's first access) */
    uint8_t index;          /* the last register index written to port 0x70 */
    uint8_t reg_a;          /* divider and rate bits (6-0); UIP is never set */
    uint8_t reg_b;          /* SET, DM and 24/12 only: the others read 0 */
    int64_t offset;         /* this clock minus the machine's, in seconds */
    struct rtc_date held;   /* the time registers while SET is 1 */
    uint8_t ram[128];       /* alarms and CMOS RAM, by index */
};

/* First use: the machine's register A divider bits and B format bits,
 * no offset, index 0, RAM zero. */
void rtc_cmos_reset(struct rtc_cmos *c, uint8_t reg_a, uint8_t reg_b);

/* True when an access of size bytes at port touches port 0x70 or 0x71;
 * its other bytes reach no device (all ones, dropped), as the ISA bus
 * splits wider accesses into byte cycles. */
bool rtc_cmos_handles(uint16_t port, uint32_t size);

/* IN of size bytes at port (rtc_cmos_handles() true); now is the
 * machine clock in seconds since 1970. Port 0x70 reads all ones, as
 * on Bochs's and QEMU's chipsets (the index is write-only on a PC). */
uint32_t rtc_cmos_in(struct rtc_cmos *c, uint16_t port, uint32_t size, uint64_t now);

/* OUT of size bytes of value at port. Returns true when the write set the
 * clock (SET cleared after a set, or a time register written while it
 * runs): the caller may log the new time, rtc_cmos_time(). */
bool rtc_cmos_out(struct rtc_cmos *c, uint16_t port, uint32_t size, uint32_t value, uint64_t now);

/* The partition's clock at machine time now. */
void rtc_cmos_time(const struct rtc_cmos *c, uint64_t now, struct rtc_date *d);

#endif
