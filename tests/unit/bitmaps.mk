UNIT_TESTS += bitmaps
UNIT_SRCS_bitmaps := vmx/bitmaps.c vmx/msr_policy.c
