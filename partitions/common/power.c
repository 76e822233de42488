/* Power-off requests; see power.h. */
#include "partitions/common/power.h"
#include "partitions/common/cpu.h"

#define PM1_SLP_EN (1u << 13) /* SLP_TYP 0 = S5 in Bochs's DSDT (ACPI 6.4 4.8.3.2.1) */

void power_exit_code(uint32_t code) { outl(ISA_DEBUG_EXIT, code); }

void power_acpi_s5(void) { outw(BOCHS_PM1A_CNT, PM1_SLP_EN); }

void power_bochs_shutdown(void)
{
    for (const char *s = "Shutdown"; *s; s++)
        outb(BOCHS_SHUTDOWN, (uint8_t)*s);
}
