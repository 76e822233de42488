UNIT_TESTS += multiboot
UNIT_SRCS_multiboot := hv/multiboot.c
