UNIT_TESTS += apic_ipi
UNIT_SRCS_apic_ipi := vmx/apic_ipi_check.c
