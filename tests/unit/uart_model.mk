UNIT_TESTS += uart_model
UNIT_SRCS_uart_model := hv/uart_model.c hv/console_history.c
