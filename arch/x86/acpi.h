/* ACPI table discovery (arch/x86/acpi.c): RSDP, RSDT/XSDT, MADT, HPET,
 * FADT, the \_S5 sleep type from the DSDT, and the device ranges no
 * partition may map raw: PCIe ECAM windows (MCFG) and DMA-remapping
 * units (DMAR). Pure: tables are read through
 * a caller-supplied mapping so host tests parse captured tables. */
#ifndef ARCH_X86_ACPI_H
#define ARCH_X86_ACPI_H

#include "hv/types.h"

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_TABLES 32
#define ACPI_MAX_ECAM 8
#define ACPI_MAX_DMAR_UNITS 8

/* Maps [pa, pa+len) for reading; NULL when not accessible. */
typedef const void *(*acpi_reader_fn)(uint64_t pa, size_t len);

struct acpi_ioapic {
    uint8_t id;
    uint32_t addr;
    uint32_t gsi_base;
};

/* Interrupt source override: ISA IRQ bus_irq arrives on GSI gsi. */
struct acpi_irq_override {
    uint8_t bus_irq;
    uint32_t gsi;
    uint16_t flags; /* MPS INTI flags: polarity bits 1:0, trigger 3:2 */
};

/* A physical address range of device registers. */
struct acpi_mmio_range {
    uint64_t base;
    uint64_t size;
};

struct acpi_info {
    uint64_t rsdp_pa;
    uint8_t revision; /* RSDP revision: 0 = ACPI 1.0 (RSDT), 2+ = XSDT */
    char oem_id[7];

    uint32_t table_count; /* every table listed by the RSDT/XSDT */
    char table_sigs[ACPI_MAX_TABLES][5];
    uint64_t table_pa[ACPI_MAX_TABLES];
    uint64_t dsdt_pa; /* from the FADT; 0 when absent */

    /* MADT: enabled processors only (local APIC and x2APIC entries). */
    uint64_t lapic_addr;
    uint32_t cpu_count;
    uint32_t apic_ids[ACPI_MAX_CPUS];
    uint32_t ioapic_count;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    uint32_t override_count;
    struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];

    /* HPET table. */
    bool has_hpet;
    uint64_t hpet_addr;
    uint8_t hpet_number;
    uint16_t hpet_min_tick;

    /* MCFG: PCIe enhanced configuration windows, one per segment and bus
     * range (bus start..end: 1 MiB per bus, from base + start * 1 MiB). */
    uint32_t ecam_count;
    struct acpi_mmio_range ecam[ACPI_MAX_ECAM];
    uint16_t ecam_segment[ACPI_MAX_ECAM];  /* its PCI segment group */
    uint8_t ecam_start_bus[ACPI_MAX_ECAM]; /* the bus at ecam[i].base */
    /* DMAR: the register sets of the DMA-remapping hardware units (DRHD). */
    uint32_t dmar_unit_count;
    struct acpi_mmio_range dmar_units[ACPI_MAX_DMAR_UNITS];

    /* FADT and \_S5 for power-off. */
    bool has_fadt;
    uint32_t pm1a_cnt_port, pm1b_cnt_port; /* 0 when absent */
    uint32_t pm_timer_port;                /* 0 when absent */
    uint32_t smi_cmd_port;
    uint8_t acpi_enable_value;
    bool has_s5;
    uint8_t s5_slp_typ_a, s5_slp_typ_b;
};

/* Finds the RSDP in the EBDA's first KiB (segment at 0x40E) and in
 * 0xE0000-0xFFFFF, checking its checksum(s). Returns its physical address
 * or 0 when absent. */
uint64_t acpi_find_rsdp(acpi_reader_fn read);

/* Parses everything reachable from the RSDP at rsdp_pa into *out. Uses the
 * XSDT when the revision is >= 2 and it is valid, else the RSDT. A table
 * with a wrong checksum is skipped (not trusted); a bad RSDP or root table
 * fails with -E_CHECKSUM; unreadable memory with -E_RANGE. Missing optional
 * tables (HPET, FADT) just leave has_* false. */
int acpi_parse(uint64_t rsdp_pa, acpi_reader_fn read, struct acpi_info *out);

/* Sums len bytes; ACPI tables are valid when the sum is 0. */
uint8_t acpi_checksum(const void *data, size_t len);

/* Finds the \_S5 package in AML (DSDT/SSDT body) and extracts SLP_TYPa/b.
 * Returns 0 or -E_NOENT. */
int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b);

#endif
