UNIT_TESTS += config
UNIT_SRCS_config := hv/config_check.c hv/config_check_uart.c hv/fmt.c configs/demo.c
