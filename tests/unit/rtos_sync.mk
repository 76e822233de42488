UNIT_TESTS += rtos_sync
UNIT_SRCS_rtos_sync := $(sort $(wildcard partitions/rtos/kernel/*.c)) tests/unit/rtos_host_port.c
