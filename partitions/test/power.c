/* Power-off; see power.h. Each method is a port write the hypervisor
 * traps as "this partition powers off" (and QEMU/Bochs honour bare). */
#include "partitions/test/power.h"
#include "partitions/test/cpu.h"
#include "partitions/test/print.h"
#include "partitions/test/tsc.h"

#define ISA_DEBUG_EXIT 0xF4   /* QEMU isa-debug-exit: exit status (code << 1) | 1 */
#define BOCHS_PM1A_CNT 0xB004 /* Bochs/PIIX4 ACPI PM1a control */
#define PM1_SLP_EN (1u << 13)
#define BOCHS_SHUTDOWN 0x8900

void power_off(const struct options *o)
{
    switch (o->exit) {
    case EXIT_NONE:
        say("halted");
        halt_forever();
    case EXIT_CODE:
        say("power off: exit code %u to port 0x%x", o->exit_code, ISA_DEBUG_EXIT);
        outl(ISA_DEBUG_EXIT, o->exit_code);
        break;
    case EXIT_ACPI:
        say("power off: ACPI S5 (SLP_TYP 0 | SLP_EN) to port 0x%x", BOCHS_PM1A_CNT);
        outw(BOCHS_PM1A_CNT, PM1_SLP_EN);
        break;
    case EXIT_BOCHS:
        say("power off: \"Shutdown\" to port 0x%x", BOCHS_SHUTDOWN);
        for (const char *s = "Shutdown"; *s; s++)
            outb(BOCHS_SHUTDOWN, (uint8_t)*s);
        break;
    }
    /* Give an asynchronous power-off a moment before declaring failure. */
    tsc_wait_until(rdtsc() + tsc_ticks_ms(100));
    say("power off did not happen; halted");
    halt_forever();
}
