/* Platform discovery. */
#include "arch/x86/platform.h"

#include "arch/x86/cpu.h"
#include "arch/x86/ioapic.h"
#include "arch/x86/mm.h"
#include "arch/x86/power.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x2apic.h"
#include "hv/console.h"
#include "hv/fmt.h"
#include "hv/percpu.h"

#define CALIBRATION_WINDOW_US 10000
#define HPET_MMIO_SIZE 0x400

struct platform platform;

static void print_acpi(const struct acpi_info *a)
{
    char sigs[ACPI_MAX_TABLES * 5 + 1];
    size_t n = 0;
    for (uint32_t i = 0; i < a->table_count; i++) {
        for (int k = 0; k < 4; k++)
            sigs[n++] = a->table_sigs[i][k];
        sigs[n++] = ' ';
    }
    sigs[n ? n - 1 : 0] = '\0';
    printk("ACPI: RSDP at 0x%lx rev %u OEM '%s', tables: %s", a->rsdp_pa, a->revision, a->oem_id, sigs);
    printk("ACPI: %u CPU(s) in MADT, %u IOAPIC(s), %u interrupt override(s)", a->cpu_count, a->ioapic_count,
           a->override_count);
    for (uint32_t i = 0; i < a->ioapic_count; i++)
        printk("IOAPIC id %u at 0x%x, GSI base %u", a->ioapics[i].id, a->ioapics[i].addr, a->ioapics[i].gsi_base);
    if (a->has_s5)
        printk("ACPI: power-off through PM1a_CNT port 0x%x, S5 SLP_TYP %u", a->pm1a_cnt_port, a->s5_slp_typ_a);
}

/* "acpi-dump SIG PA LEN" then "acpi-hex SIG OFFSET HEX" lines of 32 bytes:
 * tools/acpi-capture.sh turns them back into table files, e.g. for the
 * unit tests or a bug report from a board. */
static void dump_table(const char *sig, uint64_t pa)
{
    const uint8_t *h = mm_boot_read(pa, 8);
    if (!h)
        return;
    uint32_t len = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 | (uint32_t)h[7] << 24;
    const uint8_t *t = mm_boot_read(pa, len);
    if (!t || len > MiB(1))
        return;
    printk("acpi-dump %s 0x%lx %u", sig, pa, len);
    for (uint32_t off = 0; off < len; off += 32) {
        char hex[65];
        uint32_t n = MIN(32u, len - off);
        for (uint32_t i = 0; i < n; i++)
            fmt_snprintf(hex + 2 * i, 3, "%02x", t[off + i]);
        printk("acpi-hex %s %u %s", sig, off, hex);
    }
}

static void dump_tables(const struct acpi_info *a)
{
    for (uint32_t i = 0; i < a->table_count; i++)
        dump_table(a->table_sigs[i], a->table_pa[i]);
    if (a->dsdt_pa)
        dump_table("DSDT", a->dsdt_pa);
}

static void fill_cpu_table(const struct acpi_info *a)
{
    uint32_t bsp_id = (cpuid(1, 0).ebx >> 24) & 0xFF;
    if (cpuid(0, 0).eax >= 0xB)
        bsp_id = cpuid(0xB, 0).edx; /* full x2APIC id */
    percpu_table[0].apic_id = bsp_id;
    percpu_count = 1;
    for (uint32_t i = 0; i < a->cpu_count && percpu_count < HV_MAX_CPUS; i++) {
        if (a->apic_ids[i] == bsp_id)
            continue;
        struct percpu *p = &percpu_table[percpu_count];
        p->index = percpu_count++;
        p->apic_id = a->apic_ids[i];
        p->state = CPU_STARTING;
    }
}

int platform_discover_acpi(bool dump_tables_to_log)
{
    struct acpi_info *a = &platform.acpi;
    uint64_t rsdp = acpi_find_rsdp(mm_boot_read);
    int err = rsdp ? acpi_parse(rsdp, mm_boot_read, a) : -E_NOENT;
    if (err) {
        printk("ACPI: no usable tables (error %d): one CPU, no HPET, no ACPI power-off", err);
        fill_cpu_table(a);
        return err;
    }
    print_acpi(a);
    if (dump_tables_to_log)
        dump_tables(a);
    power_init(a);
    fill_cpu_table(a);
    return 0;
}

static int init_hpet(void)
{
    const struct acpi_info *a = &platform.acpi;
    if (!a->has_hpet)
        return -E_NOENT;
    int err = mm_map_mmio(a->hpet_addr, HPET_MMIO_SIZE);
    if (!err)
        err = hpet_init(a->hpet_addr, &platform.hpet);
    if (err)
        return err;
    const struct hpet_info *h = &platform.hpet;
    printk("HPET at 0x%lx: %lu Hz (period %u fs), %u comparators, %s counter, vendor 0x%04x", h->base, h->freq_hz,
           h->period_fs, h->comparators, h->counter_64bit ? "64-bit" : "32-bit", h->vendor_id);
    platform.has_hpet = true;
    return 0;
}

static void calibrate_tsc(bool prefer_pit)
{
    uint64_t hz = 0;
    if (platform.has_hpet && !prefer_pit) {
        hz = tsc_calibrate_hpet(&platform.hpet, CALIBRATION_WINDOW_US);
        platform.tsc_reference = "HPET";
    }
    if (!hz) {
        hz = tsc_calibrate_pit(CALIBRATION_WINDOW_US);
        platform.tsc_reference = "PIT";
    }
    platform.tsc_hz = hz;
    tsc_set_freq(hz);
    uint32_t claimed = tsc_cpuid_claimed_mhz();
    printk("TSC: %lu.%03lu MHz, calibrated against the %s over %u us (CPUID.16h claims %u MHz: not trusted)",
           hz / 1000000, (hz / 1000) % 1000, platform.tsc_reference, CALIBRATION_WINDOW_US, claimed);
}

/* Interrupts reach partitions through the IOAPIC and their LAPICs. The
 * legacy 8259 pair, left as firmware programmed it, would hand the PIT's
 * IRQ 0 to the boot CPU's partition as a stray vector (through LINT0 in
 * ExtINT mode); nobody owns its ports, so it stays masked (OCW1). */
static void mask_legacy_pic(void)
{
    outb(0x21, 0xFF); /* master PIC: interrupt mask register */
    outb(0xA1, 0xFF); /* slave */
}

int platform_init_timers(bool prefer_pit)
{
    mask_legacy_pic();
    for (uint32_t i = 0; i < platform.acpi.ioapic_count; i++)
        if (mm_map_mmio(platform.acpi.ioapics[i].addr, IOAPIC_MMIO_SIZE))
            return -E_NOMEM;
    /* Partitions program GSIs 0-23 through the first IOAPIC (emulated). */
    if (platform.acpi.ioapic_count)
        ioapic_set_base(platform.acpi.ioapics[0].addr);
    if (x2apic_enable() != 0)
        return -E_NOTSUP;
    init_hpet();
    calibrate_tsc(prefer_pit);
    return platform.tsc_hz ? 0 : -E_NOTSUP;
}
