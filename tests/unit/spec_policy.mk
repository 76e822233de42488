UNIT_TESTS += spec_policy
UNIT_SRCS_spec_policy := arch/x86/spec_policy.c hv/fmt.c
