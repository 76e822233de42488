UNIT_TESTS += guest_paging
UNIT_SRCS_guest_paging := arch/x86/guest_paging.c
