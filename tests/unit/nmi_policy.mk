UNIT_TESTS += nmi_policy
UNIT_SRCS_nmi_policy := vmx/nmi_policy.c
