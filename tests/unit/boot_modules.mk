UNIT_TESTS += boot_modules
UNIT_SRCS_boot_modules := hv/boot_modules.c
