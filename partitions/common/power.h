/* The ways a guest can ask to be powered off. Each is a port write the
 * hypervisor traps as "this partition powers off"; QEMU and Bochs honour
 * them bare, a real board ignores them. */
#ifndef GUEST_POWER_H
#define GUEST_POWER_H

#include <stdint.h>

#define ISA_DEBUG_EXIT 0xF4   /* QEMU isa-debug-exit: exit status (code << 1) | 1 */
#define BOCHS_PM1A_CNT 0xB004 /* PIIX4 PM1a control in Bochs's ACPI tables */
#define BOCHS_SHUTDOWN 0x8900

/* outl(ISA_DEBUG_EXIT, code): the hypervisor stops the partition with it. */
void power_exit_code(uint32_t code);
/* ACPI S5: SLP_TYP 0 | SLP_EN to PM1a_CNT. */
void power_acpi_s5(void);
/* "Shutdown", a byte at a time, to Bochs's port 0x8900. */
void power_bochs_shutdown(void);

#endif
