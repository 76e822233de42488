UNIT_TESTS += xcr0_check
UNIT_SRCS_xcr0_check := vmx/xcr0_check.c
