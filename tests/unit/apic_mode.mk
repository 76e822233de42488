UNIT_TESTS += apic_mode
UNIT_SRCS_apic_mode := vmx/apic_mode.c vmx/xapic_regs.c
