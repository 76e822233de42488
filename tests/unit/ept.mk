UNIT_TESTS += ept
UNIT_SRCS_ept := vmx/ept.c arch/x86/paging.c
