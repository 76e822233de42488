UNIT_TESTS += tsc_offset
UNIT_SRCS_tsc_offset := vmx/tsc_offset.c
