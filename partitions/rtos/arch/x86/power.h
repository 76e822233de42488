/* Power-off with an exit code. */
#ifndef RTOS_X86_POWER_H
#define RTOS_X86_POWER_H

#include <stdint.h>

#define POWER_EXIT_PASS 0
#define POWER_EXIT_FAIL 1
#define POWER_EXIT_EXCEPTION 3

/* Tries, in order: exit code to port 0xF4 (the hypervisor stops the
 * partition with it; QEMU's isa-debug-exit exits with (code << 1) | 1),
 * ACPI S5 on Bochs's PM1a control port 0xB004, Bochs's "Shutdown" string
 * on port 0x8900. Those ports mean nothing on a real board; there the
 * last resort is halting. */
__attribute__((noreturn)) void power_off(uint32_t code);

#endif
