UNIT_TESTS += paging
UNIT_SRCS_paging := arch/x86/paging.c
