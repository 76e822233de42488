UNIT_TESTS += rtos_rpc
UNIT_SRCS_rtos_rpc := $(sort $(wildcard partitions/rtos/kernel/*.c partitions/rtos/rpc/*.c)) tests/unit/rtos_host_port.c
