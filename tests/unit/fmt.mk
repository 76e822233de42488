UNIT_TESTS += fmt
UNIT_SRCS_fmt := hv/fmt.c
