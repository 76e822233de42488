/* See hammer.h. Each round mixes the three kinds of load the RTOS must
 * not feel: memory traffic, port I/O and VM exits on the other CPU. */
#include "partitions/test/hammer.h"

#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/hv.h"

#define BUF_WORDS (256 * 1024 / 4)
#define POST_PORT 0x80
#define OWN_UART_LSR 0x3FD

static volatile uint32_t buffer[BUF_WORDS];

void hammer(void)
{
    say("hammer: memory, I/O and hypercalls until stopped");
    for (uint32_t round = 1;; round++) {
        for (uint32_t i = 0; i < BUF_WORDS; i++)
            buffer[i] = round + i;
        for (int i = 0; i < 16; i++)
            (void)inb(OWN_UART_LSR);
        for (int i = 0; i < 4; i++)
            outb(POST_PORT, (uint8_t)round);
        for (int i = 0; i < 16; i++)
            (void)hc(HC_NULL, 0, 0, 0, 0);
        if ((round & 63) == 0)
            say("hammer: round %u", round);
    }
}
