UNIT_TESTS += mmio_decode
UNIT_SRCS_mmio_decode := vmx/mmio_decode.c
