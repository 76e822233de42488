/* See ap_spin.h. */
#include "partitions/rtos/arch/x86/ap_spin.h"

#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/rtos/arch/x86/timer.h"

#define SPIN_PAGE 0x7000u /* free low memory; SIPI vector 0x07 */
#define ICR_INIT_ASSERT 0x4500u
#define ICR_STARTUP 0x4600u

static void send_icr(uint32_t apic_id, uint32_t low) { wrmsr(MSR_X2APIC_ICR, ((uint64_t)apic_id << 32) | low); }

void ap_spin_start(uint32_t apic_id)
{
    volatile uint8_t *code = (volatile uint8_t *)SPIN_PAGE;
    code[0] = 0xEB; /* jmp $ */
    code[1] = 0xFE;
    send_icr(apic_id, ICR_INIT_ASSERT);
    tsc_delay_us(10000);
    for (int i = 0; i < 2; i++) {
        send_icr(apic_id, ICR_STARTUP | (SPIN_PAGE >> 12));
        tsc_delay_us(200);
    }
    say("ap_spin: APIC id %u spins at 0x%x", apic_id, SPIN_PAGE);
}
