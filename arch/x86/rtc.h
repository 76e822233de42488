/* The machine's CMOS real-time clock, read once at boot: the time base
 * of every partition's emulated CMOS clock (hv/rtc_cmos.h). The
 * hypervisor alone reaches ports 0x70/0x71 (hv/config_check.c refuses
 * them to every partition), and only here, before partitions start. */
#ifndef ARCH_X86_RTC_H
#define ARCH_X86_RTC_H

#include "hv/types.h"

/* Partitions' clocks start here when the machine has no readable RTC. */
#define RTC_FALLBACK_SECONDS 946684800ull /* 2000-01-01 00:00:00 */

struct rtc_machine {
    bool present;          /* the clock answered and its time decoded */
    uint8_t reg_a, reg_b;  /* its divider and format bits, as partitions see them */
    uint64_t boot_seconds; /* its time at boot_tsc, seconds since 1970 */
    uint64_t boot_tsc;
};

extern struct rtc_machine rtc_machine;

/* Reads the clock (waiting for an update in progress to end) and notes
 * the TSC; logs what it found. Needs the calibrated TSC (platform.tsc_hz). */
void rtc_read_machine_clock(void);

/* The machine's time now, seconds since 1970: the boot reading plus the
 * TSC time since. */
uint64_t rtc_machine_now(void);

#endif
