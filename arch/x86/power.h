/* Machine power-off and reset. */
#ifndef ARCH_X86_POWER_H
#define ARCH_X86_POWER_H

#include "hv/types.h"

struct acpi_info;

#define POWER_EXIT_SUCCESS 0
#define POWER_EXIT_FAILURE 1
#define POWER_EXIT_NO_VTX 2

/* Remembers the ACPI sleep registers; call once ACPI is parsed. */
void power_init(const struct acpi_info *acpi);

/* Powers the machine off. `code` reaches the host only under an emulator
 * with an exit device (QEMU isa-debug-exit: status (code << 1) | 1). */
NORETURN void power_off(uint8_t code);
NORETURN void power_reboot(void);

#endif
