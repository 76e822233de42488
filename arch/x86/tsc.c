/* TSC calibration and delays. */
#include "arch/x86/tsc.h"

#include "arch/x86/cpu.h"
#include "arch/x86/hpet.h"

#define PIT_HZ 1193182u
#define PIT_CH2_DATA 0x42
#define PIT_MODE 0x43
#define PIT_GATE_PORT 0x61
#define PIT_MODE_CH2_ONESHOT 0xB0 /* channel 2, lo/hi byte, mode 0 */
#define GATE_ENABLE 0x01
#define SPEAKER_ENABLE 0x02
#define OUT2_STATUS 0x20
#define MAX_SPIN 100000000ull

static uint64_t tsc_hz;

/* elapsed_fs fits 64 bits for windows below ~5 hours; the product below
 * for TSC rates below ~18 GHz over 1 s windows. */
static uint64_t hz_from(uint64_t tsc_delta, uint64_t elapsed_ns)
{
    return elapsed_ns ? tsc_delta * 1000000000ull / elapsed_ns : 0;
}

uint64_t tsc_calibrate_hpet(const struct hpet_info *hpet, uint32_t window_us)
{
    uint64_t mask = hpet->counter_64bit ? ~0ull : 0xFFFFFFFFull;
    uint64_t ticks = (uint64_t)window_us * 1000000000ull / hpet->period_fs;
    uint64_t h0 = hpet_read_counter() & mask;
    uint64_t t0 = rdtsc();
    uint64_t h1 = h0, t1 = t0;
    for (uint64_t spin = 0; ((h1 - h0) & mask) < ticks; spin++) {
        if (spin == MAX_SPIN)
            return 0; /* counter not running */
        h1 = hpet_read_counter() & mask;
        t1 = rdtsc();
    }
    uint64_t elapsed_ns = ((h1 - h0) & mask) * hpet->period_fs / 1000000ull;
    return hz_from(t1 - t0, elapsed_ns);
}

/* PIT channel 2 one-shot, polled through port 0x61 bit 5 (OUT2). */
uint64_t tsc_calibrate_pit(uint32_t window_us)
{
    uint64_t count = (uint64_t)PIT_HZ * window_us / 1000000u;
    if (count == 0 || count > 0xFFFF)
        return 0;
    uint8_t gate = inb(PIT_GATE_PORT);
    outb(PIT_GATE_PORT, (uint8_t)((gate & ~SPEAKER_ENABLE) & ~GATE_ENABLE));
    outb(PIT_MODE, PIT_MODE_CH2_ONESHOT);
    outb(PIT_CH2_DATA, (uint8_t)count);
    outb(PIT_CH2_DATA, (uint8_t)(count >> 8));
    outb(PIT_GATE_PORT, (uint8_t)((gate & ~SPEAKER_ENABLE) | GATE_ENABLE));
    uint64_t t0 = rdtsc();
    uint64_t spin = 0;
    while (!(inb(PIT_GATE_PORT) & OUT2_STATUS))
        if (++spin == MAX_SPIN)
            return 0;
    uint64_t t1 = rdtsc();
    outb(PIT_GATE_PORT, gate);
    return hz_from(t1 - t0, count * 1000000000ull / PIT_HZ);
}

void tsc_set_freq(uint64_t hz) { tsc_hz = hz; }
uint64_t tsc_freq_hz(void) { return tsc_hz; }

void tsc_delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + us * (tsc_hz / 1000000u);
    while (rdtsc() < end)
        cpu_relax();
}

uint32_t tsc_cpuid_claimed_mhz(void)
{
    if (cpuid(0, 0).eax < 0x16)
        return 0;
    return cpuid(0x16, 0).eax & 0xFFFF;
}
