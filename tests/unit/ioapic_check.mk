UNIT_TESTS += ioapic_check
UNIT_SRCS_ioapic_check := vmx/ioapic_check.c
