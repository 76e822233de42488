# The RTOS fieldbus master's pure parts: cycle jitter statistics, the
# frame layout, and the PCI encodings of its driver (partitions/rtos/app/
# jitter.c, fieldbus_frame.c, drivers/pci.h).
UNIT_TESTS += rtos_fieldbus
UNIT_SRCS_rtos_fieldbus := partitions/rtos/app/jitter.c partitions/rtos/app/fieldbus_frame.c
