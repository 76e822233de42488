UNIT_TESTS += guest_rip
UNIT_SRCS_guest_rip := vmx/guest_rip.c
