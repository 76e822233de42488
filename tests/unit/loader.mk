UNIT_TESTS += loader
UNIT_SRCS_loader := hv/loader.c hv/fmt.c hv/multiboot.c
