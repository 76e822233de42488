/* TSC frequency, measured against a known clock (HPET or PIT). CPUID
 * 0x15/0x16 are only reported, never trusted: Bochs claims 3.5 GHz while
 * its TSC runs at the emulated instruction rate. */
#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include "hv/types.h"

struct hpet_info;

enum tsc_reference { TSC_REF_HPET, TSC_REF_PIT };

/* Measures over window_us of reference time. Returns Hz, 0 on failure. */
uint64_t tsc_calibrate_hpet(const struct hpet_info *hpet, uint32_t window_us);
uint64_t tsc_calibrate_pit(uint32_t window_us);

void tsc_set_freq(uint64_t hz);
uint64_t tsc_freq_hz(void);
void tsc_delay_us(uint64_t us);

/* CPUID 0x16 base frequency in MHz (0 when not reported). */
uint32_t tsc_cpuid_claimed_mhz(void);

#endif
