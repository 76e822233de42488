UNIT_TESTS += io_dispatch
UNIT_SRCS_io_dispatch := tools/gen_io_dispatch.c hv/config_check.c hv/config_check_uart.c hv/fmt.c configs/demo.c
