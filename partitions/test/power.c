/* Power-off; see power.h. The requests themselves: partitions/common. */
#include "partitions/test/power.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/power.h"
#include "partitions/test/tsc.h"

void power_off(const struct options *o)
{
    switch (o->exit) {
    case EXIT_NONE:
        say("halted");
        halt_forever();
    case EXIT_CODE:
        say("power off: exit code %u to port 0x%x", o->exit_code, ISA_DEBUG_EXIT);
        power_exit_code(o->exit_code);
        break;
    case EXIT_ACPI:
        say("power off: ACPI S5 (SLP_TYP 0 | SLP_EN) to port 0x%x", BOCHS_PM1A_CNT);
        power_acpi_s5();
        break;
    case EXIT_BOCHS:
        say("power off: \"Shutdown\" to port 0x%x", BOCHS_SHUTDOWN);
        power_bochs_shutdown();
        break;
    }
    /* Give an asynchronous power-off a moment before declaring failure. */
    tsc_wait_until(rdtsc() + tsc_ticks_ms(100));
    say("power off did not happen; halted");
    halt_forever();
}
