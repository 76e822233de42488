/* Platform discovery on the boot CPU: ACPI tables, interrupt controllers,
 * HPET and the TSC rate. */
#ifndef ARCH_X86_PLATFORM_H
#define ARCH_X86_PLATFORM_H

#include "arch/x86/acpi.h"
#include "arch/x86/hpet.h"

struct platform {
    struct acpi_info acpi;
    bool has_hpet;
    struct hpet_info hpet;
    uint64_t tsc_hz;
    const char *tsc_reference; /* "HPET" or "PIT" */
};

extern struct platform platform;

/* Reads the ACPI tables (while the loader's identity map still covers the
 * firmware areas) and fills percpu_table from the MADT. Returns 0 or a
 * negative error; without ACPI the machine is taken as one CPU. With
 * dump_tables_to_log, every table is also printed in hex. */
int platform_discover_acpi(bool dump_tables_to_log);

/* After the hypervisor's own tables are live: maps the IOAPIC and HPET
 * registers, switches the boot CPU to x2APIC and calibrates the TSC
 * against the HPET (or the PIT when prefer_pit or no HPET). */
int platform_init_timers(bool prefer_pit);

#endif
