UNIT_TESTS += rtos_queue
UNIT_SRCS_rtos_queue := $(sort $(wildcard partitions/rtos/kernel/*.c)) tests/unit/rtos_host_port.c
