UNIT_TESTS += pci_cfg
UNIT_SRCS_pci_cfg := hv/pci_cfg.c hv/pci_ecam.c hv/pci_cfg_boot.c hv/pci_msi.c hv/fmt.c vmx/ioapic_check.c tests/unit/pci_fake.c
