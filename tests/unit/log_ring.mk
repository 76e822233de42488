UNIT_TESTS += log_ring
UNIT_SRCS_log_ring := hv/log_ring.c hv/fmt.c
