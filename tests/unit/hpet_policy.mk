UNIT_TESTS += hpet_policy
UNIT_SRCS_hpet_policy := vmx/hpet_policy.c hv/fmt.c vmx/ept.c arch/x86/paging.c
