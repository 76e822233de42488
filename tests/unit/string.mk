UNIT_TESTS += string
UNIT_SRCS_string := hv/string.c
