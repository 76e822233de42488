UNIT_TESTS += partition_acpi
UNIT_SRCS_partition_acpi := arch/x86/partition_acpi.c arch/x86/acpi.c
