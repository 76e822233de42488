UNIT_TESTS += lvt_check
UNIT_SRCS_lvt_check := vmx/lvt_check.c
