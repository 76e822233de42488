UNIT_TESTS += linux_boot
UNIT_SRCS_linux_boot := arch/x86/linux_boot.c arch/x86/partition_acpi.c hv/loader.c hv/fmt.c hv/multiboot.c
