/* Boot options of the hypervisor, read once from the command line. */
#ifndef HV_BOOT_OPTIONS_H
#define HV_BOOT_OPTIONS_H

#include "hv/panic.h"

enum after_boot { AFTER_BOOT_IDLE, AFTER_BOOT_POWEROFF, AFTER_BOOT_MAGIC };

/* Deliberate faults for testing the exception path. */
enum test_fault { FAULT_NONE, FAULT_PF, FAULT_GP, FAULT_UD, FAULT_AP_PF, FAULT_PANIC, FAULT_PANIC_RUNNING,
                  FAULT_EXIT_PF };

struct boot_options {
    char console[16];          /* console=com2 */
    bool debugcon;             /* debugcon: mirror the log to port 0xE9 */
    enum fatal_action on_fatal; /* on_fatal=halt|poweroff|reboot */
    enum after_boot after_boot; /* after_boot=idle|poweroff|magic */
    enum test_fault fault;      /* fault=pf|gp|ud|ap-pf|panic|panic-running|exit-pf */
    bool tsc_ref_pit;           /* tsc_ref=pit (default hpet) */
    bool module_crc;            /* module_crc: print each module's CRC-32 */
    bool acpi_dump;             /* acpi_dump: print the ACPI tables in hex */
    char exit_with[32];         /* exit_with=NAME: power off when partition NAME stops */
};

/* Parses the command line; prints a warning line for each unknown or
 * malformed option (the default is kept). */
void boot_options_parse(const char *cmdline, struct boot_options *out);

#endif
