UNIT_TESTS += cpuid_policy
UNIT_SRCS_cpuid_policy := vmx/cpuid_policy.c vmx/msr_policy.c
