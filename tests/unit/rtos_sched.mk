UNIT_TESTS += rtos_sched
UNIT_SRCS_rtos_sched := $(sort $(wildcard partitions/rtos/kernel/*.c)) tests/unit/rtos_host_port.c
