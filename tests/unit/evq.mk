UNIT_TESTS += evq
UNIT_SRCS_evq := rpc/evq.c
