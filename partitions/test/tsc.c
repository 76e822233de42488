/* TSC time base; see tsc.h. Busy-waiting on RDTSC needs no interrupts,
 * which keeps the kernel's IF=0 and its exits to a minimum. */
#include "partitions/test/tsc.h"
#include "partitions/test/cpu.h"
#include "partitions/test/lib.h"

#define PIT_HZ 1193182
#define PIT_CAL_MS 10
#define PIT_CTRL 0x43
#define PIT_CH2 0x42
#define PORT_B 0x61 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: OUT2 */

static uint64_t hz;
static const char *source = "hypervisor";

/* Channel 2 in mode 0 raises OUT2 when the count reaches zero; the gate
 * is the one control software has over it without the speaker sounding. */
static uint64_t pit_calibrate(void)
{
    const uint32_t count = PIT_HZ * PIT_CAL_MS / 1000;
    uint8_t b = inb(PORT_B);
    outb(PORT_B, (uint8_t)((b & ~0x02) | 0x01));
    outb(PIT_CTRL, 0xB0); /* channel 2, lobyte/hibyte, mode 0, binary */
    outb(PIT_CH2, count & 0xFF);
    outb(PIT_CH2, (uint8_t)(count >> 8));
    uint64_t t0 = rdtsc();
    /* Bounded in case there is no PIT behind the port. */
    for (uint32_t i = 0; i < 100000000 && !(inb(PORT_B) & 0x20); i++)
        ;
    uint64_t t1 = rdtsc();
    outb(PORT_B, b);
    return (t1 - t0) * (1000 / PIT_CAL_MS);
}

void tsc_init(uint64_t given)
{
    hz = given;
    if (!hz) {
        source = "PIT";
        hz = pit_calibrate();
        if (hz < 1000000) /* nonsense: assume 1 GHz rather than divide by ~0 */
            hz = 1000000000;
    }
}

uint64_t tsc_hz(void) { return hz; }
const char *tsc_source(void) { return source; }

uint64_t tsc_ticks_ms(uint32_t ms) { return udiv64_32(hz, 1000, NULL) * ms; }
uint64_t tsc_ticks_us(uint32_t us) { return udiv64_32(hz * us, 1000000, NULL); }

void tsc_wait_until(uint64_t deadline)
{
    while ((int64_t)(rdtsc() - deadline) < 0)
        cpu_relax();
}
