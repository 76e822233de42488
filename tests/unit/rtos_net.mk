# The RTOS's socket library (partitions/rtos/rpc/net.c) on the RTOS host
# port, with the hypercalls and the peer's "net" server faked in the test.
UNIT_TESTS += rtos_net
UNIT_SRCS_rtos_net := $(sort $(wildcard partitions/rtos/kernel/*.c partitions/rtos/rpc/*.c)) tests/unit/rtos_host_port.c
