/* ACPI tables the hypervisor builds for a partition that boots an OS
 * expecting firmware (Linux): they describe only what the partition owns.
 * Pure, host-tested (tests/unit/test_partition_acpi.c, test_linux_boot.c). */
#ifndef ARCH_X86_PARTITION_ACPI_H
#define ARCH_X86_PARTITION_ACPI_H

#include "hv/types.h"

#define PACPI_MAX_CPUS 16
#define PACPI_MAX_PCI_ROUTES 16

/* A PCI INTx wire: the function's device number on bus 0 (any of its
 * functions), its pin (0: INTA .. 3: INTD) and the IOAPIC input (GSI) it
 * reaches. */
struct pacpi_pci_route {
    uint8_t device, pin;
    uint32_t gsi;
};
/* Its ACPI sleep control register (FADT SLEEP_CONTROL_REG; status at
 * +1): an I/O port no partition owns, trapped. Writing SLP_EN powers the
 * partition off (vmx/exit_io.c), which is how Linux's `poweroff` ends. */
#define PACPI_SLEEP_CONTROL_PORT 0x0640
#define PACPI_SLP_EN (1u << 5)  /* ACPI 6.4 4.8.3.7 */
#define PACPI_SLP_TYP_S5 5u     /* the \_S5 package's value */

/* The partition's board, as its tables show it. */
struct pacpi_board {
    uint32_t cpu_count;
    uint32_t apic_ids[PACPI_MAX_CPUS];
    bool has_ioapic; /* it owns IOAPIC pins: show the IOAPIC (GSI base 0) */
    uint8_t ioapic_id;
    uint32_t ioapic_addr;
    bool has_com1;   /* it owns COM1 (0x3F8, IRQ 4): a PNP0501 device in the DSDT */
    bool has_pci;    /* it has PCI functions: a PCI host bridge (PNP0A03) for bus 0 in the DSDT */
    uint32_t pci_route_count; /* its functions' interrupts, the bridge's _PRT */
    struct pacpi_pci_route pci_routes[PACPI_MAX_PCI_ROUTES];
    /* Its ECAM window for bus 0 (hv/config.h pci_ecam), 0 = none: an MCFG
     * table (segment 0, buses 0-0) listed in the XSDT. */
    uint64_t pci_ecam;
};

/* Builds RSDP, XSDT, FADT (hardware-reduced ACPI: no PIC, PIT, PM timer,
 * CMOS RTC, VGA or i8042), DSDT (\_S5, COM1, the PCI host bridge), MADT (its CPUs' local
 * APICs, the IOAPIC) and, with an ECAM window, MCFG into buf, which the guest sees at buf_gpa. Returns
 * the bytes used (<= cap) and the RSDP's guest address in *rsdp_gpa, or
 * a negative E_* when cap is too small or the board is malformed. */
int64_t pacpi_build(uint8_t *buf, uint64_t buf_gpa, size_t cap, const struct pacpi_board *b, uint64_t *rsdp_gpa);

#endif
