/* The conformance kernel's own parts that probe files do not need:
 * options and power-off (main.c). */
#ifndef CONFORM_KERNEL_H
#define CONFORM_KERNEL_H

#include <stdint.h>

enum conform_exit { EXIT_ACPI, EXIT_BOCHS, EXIT_CODE, EXIT_NONE };

struct conform_options {
    uint16_t console_port;
    enum conform_exit exit;
    uint32_t exit_code;
    int selftest;
    const char *bad[4];
    uint32_t bad_count;
};

/* selftest.c: checks conf_try and the handlers instead of probing;
 * ends with a deliberate fatal exception (and so a power-off). */
void conform_selftest(void);

/* Records the boot CPU (conf.c): conf_try recovers only there. */
void conf_init(void);

/* Powers off as the options say (default ACPI S5: Bochs honours it bare,
 * the hypervisor emulates it for a partition); does not return. */
__attribute__((noreturn)) void conform_power_off(void);

#endif
