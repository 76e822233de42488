/* Power-off; see power.h. */
#include "partitions/rtos/arch/x86/power.h"
#include "partitions/rtos/arch/x86/console.h"
#include "partitions/rtos/arch/x86/cpu.h"

#define ISA_DEBUG_EXIT 0xF4
#define BOCHS_PM1A_CNT 0xB004 /* PIIX4 PM1a control in Bochs's ACPI tables */
#define PM1_SLP_EN (1u << 13) /* SLP_TYP 0 = S5 in Bochs's DSDT (ACPI 6.4 4.8.3.2.1) */
#define BOCHS_SHUTDOWN 0x8900

void power_off(uint32_t code)
{
    __asm__ __volatile__("cli");
    say("power off: exit code %u", code);
    outl(ISA_DEBUG_EXIT, code);
    outw(BOCHS_PM1A_CNT, PM1_SLP_EN);
    for (const char *s = "Shutdown"; *s; s++)
        outb(BOCHS_SHUTDOWN, (uint8_t)*s);
    say("power off did not happen; halted");
    halt_forever();
}
