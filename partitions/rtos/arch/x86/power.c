/* Power-off; see power.h. The requests themselves: partitions/common. */
#include "partitions/rtos/arch/x86/power.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/power.h"

void power_off(uint32_t code)
{
    __asm__ __volatile__("cli");
    say("power off: exit code %u", code);
    power_exit_code(code);
    power_acpi_s5();
    power_bochs_shutdown();
    say("power off did not happen; halted");
    halt_forever();
}
