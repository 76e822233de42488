/* PIT calibration; see pit.h. */
#include "partitions/common/pit.h"
#include "partitions/common/cpu.h"

#define PIT_HZ 1193182
#define PIT_CTRL 0x43
#define PIT_CH2 0x42
#define PORT_B 0x61 /* [0] channel 2 gate, [1] speaker, [5] OUT2 */

/* Channel 2 in mode 0 raises OUT2 when the count reaches zero; the gate
 * is the one control software has over it without the speaker sounding. */
uint64_t pit_tsc_hz(void)
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
