UNIT_TESTS += pci_cfg
UNIT_SRCS_pci_cfg := hv/pci_cfg.c
