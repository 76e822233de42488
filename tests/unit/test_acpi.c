/* Tests for arch/x86/acpi.c. Tables are laid out in a fake physical memory
 * image that the parser reads through mem_read().
 *
 * Captured sets: tests/unit/data/acpi/<set>/ holds one binary file per table,
 * as copied from /sys/firmware/acpi/tables or converted from the hypervisor's
 * acpi_dump log by tools/acpi-capture.sh (the directory can be overridden
 * with ACPI_TEST_DATA). boot_captured() places the DSDT, points the FADT at
 * it, lists every other table under an XSDT and puts a v2 RSDP in the BIOS
 * area. To add a set: copy its files, add its name to captured_sets[] and
 * write a TEST like captured_hostvm with the facts of its tables.
 *
 * Synthetic tables cover the edge cases. Table offsets are spelled out here
 * independently of acpi.c, citing ACPI 6.5 sections. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86/acpi.h"
#include "unit.h"

#define MEM_SIZE MiB(4)
#define TABLES_BASE MiB(1) /* tables are bump-allocated from here */
#define RSDP_PA 0xF6A40u   /* in the BIOS area, 16-byte aligned */
#define EBDA_PA 0x9FC00u

static uint8_t mem[MEM_SIZE];
static uint64_t mem_next;
static uint64_t hole_lo, hole_hi;        /* reads overlapping [lo, hi) fail */
static uint64_t traced_pa, traced_len;   /* longest read seen at traced_pa */

static const void *mem_read(uint64_t pa, size_t len)
{
    if (pa > MEM_SIZE || len > MEM_SIZE - pa)
        return NULL;
    if (pa < hole_hi && pa + len > hole_lo)
        return NULL;
    if (pa == traced_pa && len > traced_len)
        traced_len = len;
    return mem + pa;
}

/* A reader with one mapping window, sized exactly: each call frees what the
 * previous one returned, so ASan reports a parser that keeps using an old
 * mapping or reads past the length it asked for. */
static void *window;

static const void *window_read(uint64_t pa, size_t len)
{
    const void *src = mem_read(pa, len);
    free(window);
    window = src ? malloc(len ? len : 1) : NULL;
    if (window && len)
        memcpy(window, src, len);
    return window;
}

static void mem_reset(void)
{
    memset(mem, 0, sizeof mem);
    mem_next = TABLES_BASE;
    hole_lo = hole_hi = 0;
    traced_pa = ~0ull;
    traced_len = 0;
}

static void set_hole(uint64_t pa, uint64_t len)
{
    hole_lo = pa;
    hole_hi = pa + len;
}

static void wr16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void wr64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static uint8_t sum8(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

static void fix_checksum(uint64_t pa, size_t len, size_t field)
{
    mem[pa + field] = 0;
    mem[pa + field] = (uint8_t)-sum8(mem + pa, len);
}

static uint64_t put_raw(const void *data, size_t len)
{
    uint64_t pa = mem_next;
    mem_next = ALIGN_UP(pa + len, 16);
    if (mem_next > MEM_SIZE)
        abort();
    if (len)
        memcpy(mem + pa, data, len);
    return pa;
}

/* Standard header (5.2.6) followed by body. */
static uint64_t put_table(const char *sig, const void *body, size_t body_len)
{
    uint8_t hdr[36] = {0};
    memcpy(hdr, sig, 4);
    wr32(hdr + 4, (uint32_t)(36 + body_len));
    hdr[8] = 2;
    memcpy(hdr + 10, "HVTEST", 6);
    memcpy(hdr + 16, "UNITTEST", 8);
    uint64_t pa = put_raw(hdr, sizeof hdr);
    mem_next = pa + 36;
    put_raw(body, body_len);
    fix_checksum(pa, 36 + body_len, 9);
    return pa;
}

/* RSDT (5.2.7) with 32-bit entries or XSDT (5.2.8) with 64-bit ones. */
static uint64_t put_root(const char *sig, const uint64_t *tables, size_t n)
{
    uint8_t body[8 * 64];
    size_t esz = sig[0] == 'X' ? 8 : 4;
    for (size_t i = 0; i < n; i++) {
        if (esz == 8)
            wr64(body + 8 * i, tables[i]);
        else
            wr32(body + 4 * i, (uint32_t)tables[i]);
    }
    return put_table(sig, body, n * esz);
}

/* RSDP (5.2.5.3): the v1 checksum covers 20 bytes, the extended one 36. */
static void put_rsdp(uint64_t pa, uint8_t revision, uint64_t rsdt, uint64_t xsdt)
{
    uint8_t *r = mem + pa;
    memset(r, 0, 36);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "HVTEST", 6);
    r[15] = revision;
    wr32(r + 16, (uint32_t)rsdt);
    fix_checksum(pa, 20, 8);
    if (revision >= 2) {
        wr32(r + 20, 36);
        wr64(r + 24, xsdt);
        fix_checksum(pa, 36, 32);
    }
}

/* Lists tables under an RSDT (and an XSDT for revision 2) with the RSDP at
 * RSDP_PA, then finds and parses it, with both readers. */
static int boot(uint8_t revision, const uint64_t *tables, size_t n, struct acpi_info *info)
{
    struct acpi_info again;
    uint64_t rsdt = put_root("RSDT", tables, n);
    uint64_t xsdt = revision >= 2 ? put_root("XSDT", tables, n) : 0;
    put_rsdp(RSDP_PA, revision, rsdt, xsdt);
    uint64_t rsdp = acpi_find_rsdp(mem_read);
    CHECK_EQ(rsdp, RSDP_PA);
    int rc = acpi_parse(rsdp, mem_read, info);
    CHECK_EQ(acpi_parse(rsdp, window_read, &again), rc);
    CHECK(rc != 0 || memcmp(info, &again, sizeof again) == 0);
    return rc;
}

/* ------------------------------------------------------ table builders */

struct buf {
    uint8_t b[4096];
    size_t n;
};

static void put8(struct buf *b, uint8_t v)
{
    if (b->n >= sizeof b->b)
        abort();
    b->b[b->n++] = v;
}
static void put16(struct buf *b, uint16_t v) { put8(b, (uint8_t)v); put8(b, (uint8_t)(v >> 8)); }
static void put32(struct buf *b, uint32_t v) { put16(b, (uint16_t)v); put16(b, (uint16_t)(v >> 16)); }
static void put64(struct buf *b, uint64_t v) { put32(b, (uint32_t)v); put32(b, (uint32_t)(v >> 32)); }

/* MADT (5.2.12): local APIC address and flags, then entries. */
static void madt_init(struct buf *m, uint32_t lapic_addr)
{
    m->n = 0;
    put32(m, lapic_addr);
    put32(m, 1); /* PCAT_COMPAT */
}

static void madt_lapic(struct buf *m, uint8_t uid, uint8_t apic_id, uint32_t flags)
{
    put8(m, 0); put8(m, 8); put8(m, uid); put8(m, apic_id); put32(m, flags); /* 5.2.12.2 */
}

static void madt_ioapic(struct buf *m, uint8_t id, uint32_t addr, uint32_t gsi_base)
{
    put8(m, 1); put8(m, 12); put8(m, id); put8(m, 0); put32(m, addr); put32(m, gsi_base);
}

static void madt_iso(struct buf *m, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    put8(m, 2); put8(m, 10); put8(m, 0); put8(m, irq); put32(m, gsi); put16(m, flags);
}

static void madt_lapic_override(struct buf *m, uint64_t addr)
{
    put8(m, 5); put8(m, 12); put16(m, 0); put64(m, addr); /* 5.2.12.8 */
}

static void madt_x2apic(struct buf *m, uint32_t id, uint32_t flags, uint32_t uid)
{
    put8(m, 9); put8(m, 16); put16(m, 0); put32(m, id); put32(m, flags); put32(m, uid);
}

static uint64_t put_buf(const char *sig, const struct buf *b)
{
    return put_table(sig, b->b, b->n);
}

static uint64_t put_madt_cpus(uint8_t ncpus)
{
    struct buf m;
    madt_init(&m, 0xFEE00000u);
    for (uint8_t i = 0; i < ncpus; i++)
        madt_lapic(&m, i, i, 1);
    return put_buf("APIC", &m);
}

/* FADT (5.2.9) offsets. */
enum {
    F_DSDT = 40, F_SMI_CMD = 48, F_ACPI_ENABLE = 52, F_PM1A_CNT = 64, F_PM1B_CNT = 68,
    F_PM_TMR = 76, F_X_DSDT = 140, F_X_PM1A_CNT = 172, F_X_PM_TMR = 208, FADT_LEN = 276,
};

/* Generic Address Structure (5.2.3.2). */
static void gas(uint8_t *g, uint8_t space, uint64_t addr)
{
    g[0] = space;
    g[1] = 16; /* bit width */
    g[2] = 0;
    g[3] = 2; /* access size: word */
    wr64(g + 4, addr);
}

static uint64_t put_fadt(const uint8_t *f, size_t len)
{
    return put_table("FACP", f + 36, len - 36);
}

/* HPET table (IA-PC HPET spec 1.0a, 3.2.4): block id, base GAS, number,
 * minimum tick, page protection. */
static uint64_t put_hpet(uint64_t base, uint8_t number, uint16_t min_tick, size_t body_len)
{
    uint8_t body[20] = {0};
    wr32(body, 0x8086A201u);
    gas(body + 4, 0, base);
    body[16] = number;
    wr16(body + 17, min_tick);
    return put_table("HPET", body, body_len);
}

/* iasl 20200925 output for Name (_S5, Package () { 0x05, 0x05, Zero, Zero }). */
static const uint8_t S5_IASL[] = {0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
                                  0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00};
/* Name (_S5, Package () { 0x07, 0x06 }). */
static const uint8_t S5_76[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0A, 0x07, 0x0A, 0x06};
/* Name (FOO_, Zero): AML without \_S5. */
static const uint8_t NO_S5[] = {0x08, 'F', 'O', 'O', '_', 0x00};

/* --------------------------------------------------------- captured sets */

static const char *const captured_sets[] = {"hostvm", "bochs", "qemu"};

#define MAX_BLOBS 64

struct blob {
    char name[256];
    uint8_t *data;
    size_t len;
};

static const char *data_dir(void)
{
    const char *d = getenv("ACPI_TEST_DATA");
    return d && *d ? d : "tests/unit/data/acpi";
}

static bool load_file(const char *path, struct blob *b)
{
    FILE *f = fopen(path, "rb");
    b->data = NULL;
    if (!f)
        return false;
    b->data = malloc(MiB(1));
    b->len = b->data ? fread(b->data, 1, MiB(1), f) : 0;
    fclose(f);
    return b->len > 0;
}

static int blob_cmp(const void *a, const void *b)
{
    return strcmp(((const struct blob *)a)->name, ((const struct blob *)b)->name);
}

/* Loads every file of a set, sorted by name; each must be a whole table
 * with a valid checksum (the FACS has none, 5.2.10). */
static size_t load_set(const char *set, struct blob *blobs)
{
    char path[1024];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/%s", data_dir(), set);
    DIR *d = opendir(path);
    if (!d) {
        char msg[1100];
        snprintf(msg, sizeof msg, "no captured set at %s (run from the repo root)", path);
        unit_fail(__FILE__, __LINE__, msg);
        return 0;
    }
    for (struct dirent *e; (e = readdir(d)) && n < MAX_BLOBS;) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(blobs[n].name, sizeof blobs[n].name, "%s", e->d_name);
        snprintf(path, sizeof path, "%s/%s/%s", data_dir(), set, e->d_name);
        struct blob *b = &blobs[n];
        if (!load_file(path, b) || b->len < 36 || rd32(b->data + 4) != b->len ||
            (sum8(b->data, b->len) != 0 && memcmp(b->data, "FACS", 4) != 0)) {
            unit_fail(__FILE__, __LINE__, path); /* not a whole, valid table */
            free(b->data);
            continue;
        }
        n++;
    }
    closedir(d);
    qsort(blobs, n, sizeof *blobs, blob_cmp);
    return n;
}

/* Points whichever DSDT fields the firmware filled (DSDT, X_DSDT) at the
 * DSDT's place in the image, then fixes the FADT checksum. */
static void relocate_dsdt(uint64_t fadt_pa, uint64_t dsdt_pa)
{
    uint8_t *f = mem + fadt_pa;
    uint32_t len = rd32(f + 4);
    if (rd32(f + F_DSDT))
        wr32(f + F_DSDT, (uint32_t)dsdt_pa);
    if (len >= F_X_DSDT + 8 && rd64(f + F_X_DSDT))
        wr64(f + F_X_DSDT, dsdt_pa);
    fix_checksum(fadt_pa, len, 9);
}

struct captured {
    char sigs[MAX_BLOBS][5]; /* tables listed in the XSDT, in order */
    size_t count;
    uint64_t dsdt_pa, dsdt_len;
};

/* Lays out a captured set (the XSDT never lists the DSDT or FACS) and parses
 * it with reader. */
static int boot_captured(const char *set, acpi_reader_fn reader, struct acpi_info *info,
                         struct captured *cap)
{
    static struct blob blobs[MAX_BLOBS];
    uint64_t tables[MAX_BLOBS];
    size_t n = load_set(set, blobs);
    if (n == 0)
        return -E_NOENT;
    mem_reset();
    memset(cap, 0, sizeof *cap);
    for (size_t i = 0; i < n; i++) {
        if (memcmp(blobs[i].data, "DSDT", 4) == 0) {
            cap->dsdt_pa = put_raw(blobs[i].data, blobs[i].len);
            cap->dsdt_len = blobs[i].len;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (memcmp(blobs[i].data, "DSDT", 4) == 0 || memcmp(blobs[i].data, "FACS", 4) == 0)
            continue;
        uint64_t pa = put_raw(blobs[i].data, blobs[i].len);
        if (memcmp(blobs[i].data, "FACP", 4) == 0)
            relocate_dsdt(pa, cap->dsdt_pa);
        memcpy(cap->sigs[cap->count], blobs[i].data, 4);
        tables[cap->count++] = pa;
    }
    for (size_t i = 0; i < n; i++)
        free(blobs[i].data);
    put_rsdp(RSDP_PA, 2, put_root("RSDT", tables, cap->count),
             put_root("XSDT", tables, cap->count));
    traced_pa = cap->dsdt_pa;
    uint64_t rsdp = acpi_find_rsdp(mem_read);
    CHECK_EQ(rsdp, RSDP_PA);
    return acpi_parse(rsdp, reader, info);
}

/* What holds for every set: it parses, all tables are listed, the DSDT is
 * reached through the relocated FADT pointer, and a single-window reader
 * gives the same result. */
TEST(captured_sets_parse)
{
    for (size_t s = 0; s < ARRAY_SIZE(captured_sets); s++) {
        struct acpi_info info, again;
        struct captured cap;
        int rc = boot_captured(captured_sets[s], mem_read, &info, &cap);
        CHECK_EQ(rc, 0);
        if (rc)
            continue;
        CHECK(cap.count > 0);
        CHECK_EQ(info.table_count, cap.count);
        for (size_t i = 0; i < cap.count && i < ACPI_MAX_TABLES; i++)
            CHECK_STR(info.table_sigs[i], cap.sigs[i]);
        CHECK_EQ(info.revision, 2);
        CHECK(info.has_fadt);
        CHECK(info.cpu_count >= 1);
        CHECK(info.ioapic_count >= 1);
        CHECK_EQ(info.lapic_addr, 0xFEE00000u);
        CHECK(cap.dsdt_pa != 0);
        CHECK_EQ(traced_len, cap.dsdt_len);
        CHECK_EQ(boot_captured(captured_sets[s], window_read, &again, &cap), 0);
        CHECK(memcmp(&info, &again, sizeof info) == 0);
    }
}

/* Firecracker guest (tables from /sys/firmware/acpi/tables): hardware-reduced
 * ACPI (FADT flag bit 20), so every fixed-hardware port is 0 and the DSDT
 * (3923 bytes, reached via X_DSDT; its 32-bit DSDT field is 0) has no \_S5.
 * MADT: 2 enabled local APICs (ids 0, 1), one IOAPIC, no overrides. */
TEST(captured_hostvm)
{
    struct acpi_info info;
    struct captured cap;
    int rc = boot_captured("hostvm", mem_read, &info, &cap);
    CHECK_EQ(rc, 0);
    if (rc)
        return;
    CHECK_EQ(info.table_count, 3);
    CHECK_STR(info.table_sigs[0], "APIC");
    CHECK_STR(info.table_sigs[1], "FACP");
    CHECK_STR(info.table_sigs[2], "MCFG");
    CHECK_EQ(info.ecam_count, 1); /* Firecracker: segment 0, bus 0 only */
    CHECK_EQ(info.ecam[0].base, 0xEEC00000u);
    CHECK_EQ(info.ecam[0].size, MiB(1));
    CHECK_EQ(info.dmar_unit_count, 0);
    CHECK_EQ(info.lapic_addr, 0xFEE00000u);
    CHECK_EQ(info.cpu_count, 2);
    CHECK_EQ(info.apic_ids[0], 0);
    CHECK_EQ(info.apic_ids[1], 1);
    CHECK_EQ(info.ioapic_count, 1);
    CHECK_EQ(info.ioapics[0].id, 0);
    CHECK_EQ(info.ioapics[0].addr, 0xFEC00000u);
    CHECK_EQ(info.ioapics[0].gsi_base, 0);
    CHECK_EQ(info.override_count, 0);
    CHECK(!info.has_hpet);
    CHECK(info.has_fadt);
    CHECK_EQ(info.pm1a_cnt_port, 0);
    CHECK_EQ(info.pm1b_cnt_port, 0);
    CHECK_EQ(info.pm_timer_port, 0);
    CHECK_EQ(info.smi_cmd_port, 0);
    CHECK_EQ(info.acpi_enable_value, 0);
    CHECK(!info.has_s5);
    CHECK_EQ(cap.dsdt_len, 3923);
}

/* Bochs 2.7 BIOS, i440FX, 2 CPUs (tools/acpi-capture.sh bochs; tables as
 * `iasl -d` shows them, the boot log agreeing): ACPI 1.0 (RSDT: FACP APIC
 * SSDT HPET; the harness lists them sorted by file name). MADT: local APIC
 * ids 0 and 1, IOAPIC id 2 at 0xFEC00000 from GSI 0, one override (IRQ 0 ->
 * GSI 2, flags 0). 116-byte FADT (revision 1, no X_ fields): PM1a_CNT 0xB004,
 * no PM1b, PM timer 0xB008, SMI_CMD 0xB2 / ACPI_ENABLE 0xF1. HPET 0 at
 * 0xFED00000, minimum tick 0. The SSDT only declares \_PR.CPU0/CPU1; the
 * DSDT's \_S5 is Package { Zero, Zero, Zero, Zero }. */
TEST(captured_bochs)
{
    struct acpi_info info;
    struct captured cap;
    int rc = boot_captured("bochs", mem_read, &info, &cap);
    CHECK_EQ(rc, 0);
    if (rc)
        return;
    CHECK_EQ(info.table_count, 4);
    CHECK_STR(info.table_sigs[0], "APIC");
    CHECK_STR(info.table_sigs[1], "FACP");
    CHECK_STR(info.table_sigs[2], "HPET");
    CHECK_STR(info.table_sigs[3], "SSDT");
    CHECK_EQ(info.lapic_addr, 0xFEE00000u);
    CHECK_EQ(info.cpu_count, 2);
    CHECK_EQ(info.apic_ids[0], 0);
    CHECK_EQ(info.apic_ids[1], 1);
    CHECK_EQ(info.ioapic_count, 1);
    CHECK_EQ(info.ioapics[0].id, 2);
    CHECK_EQ(info.ioapics[0].addr, 0xFEC00000u);
    CHECK_EQ(info.ioapics[0].gsi_base, 0);
    CHECK_EQ(info.override_count, 1);
    CHECK_EQ(info.overrides[0].bus_irq, 0);
    CHECK_EQ(info.overrides[0].gsi, 2);
    CHECK_EQ(info.overrides[0].flags, 0);
    CHECK(info.has_hpet);
    CHECK_EQ(info.hpet_addr, 0xFED00000u);
    CHECK_EQ(info.hpet_number, 0);
    CHECK_EQ(info.hpet_min_tick, 0);
    CHECK(info.has_fadt);
    CHECK_EQ(info.pm1a_cnt_port, 0xB004);
    CHECK_EQ(info.pm1b_cnt_port, 0);
    CHECK_EQ(info.pm_timer_port, 0xB008);
    CHECK_EQ(info.smi_cmd_port, 0xB2);
    CHECK_EQ(info.acpi_enable_value, 0xF1);
    CHECK(info.has_s5);
    CHECK_EQ(info.s5_slp_typ_a, 0);
    CHECK_EQ(info.s5_slp_typ_b, 0);
    CHECK_EQ(cap.dsdt_len, 3640);
}

/* QEMU (TCG, pc machine, SeaBIOS, -smp 2; tools/acpi-capture.sh qemu):
 * ACPI 1.0 (RSDT: FACP APIC HPET WAET). MADT: local APIC ids 0 and 1,
 * IOAPIC id 0 at 0xFEC00000 from GSI 0, five overrides: IRQ 0 -> GSI 2
 * (flags 0), IRQs 5, 9, 10, 11 to the same GSI, level/active high (0x000D);
 * the local APIC NMI entry is ignored. 116-byte FADT (revision 1): PM1a_CNT
 * 0x604, no PM1b, PM timer 0x608, SMI_CMD 0xB2 / ACPI_ENABLE 0xF1. HPET 0 at
 * 0xFED00000, minimum tick 0. \_S5 (in Scope (\) of the DSDT) is
 * Package { Zero, Zero, Zero, Zero }. */
TEST(captured_qemu)
{
    static const uint8_t level_irqs[] = {5, 9, 10, 11};
    struct acpi_info info;
    struct captured cap;
    int rc = boot_captured("qemu", mem_read, &info, &cap);
    CHECK_EQ(rc, 0);
    if (rc)
        return;
    CHECK_EQ(info.table_count, 4);
    CHECK_STR(info.table_sigs[0], "APIC");
    CHECK_STR(info.table_sigs[1], "FACP");
    CHECK_STR(info.table_sigs[2], "HPET");
    CHECK_STR(info.table_sigs[3], "WAET");
    CHECK_EQ(info.lapic_addr, 0xFEE00000u);
    CHECK_EQ(info.cpu_count, 2);
    CHECK_EQ(info.apic_ids[0], 0);
    CHECK_EQ(info.apic_ids[1], 1);
    CHECK_EQ(info.ioapic_count, 1);
    CHECK_EQ(info.ioapics[0].id, 0);
    CHECK_EQ(info.ioapics[0].addr, 0xFEC00000u);
    CHECK_EQ(info.ioapics[0].gsi_base, 0);
    CHECK_EQ(info.override_count, 5);
    CHECK_EQ(info.overrides[0].bus_irq, 0);
    CHECK_EQ(info.overrides[0].gsi, 2);
    CHECK_EQ(info.overrides[0].flags, 0);
    for (size_t i = 0; i < ARRAY_SIZE(level_irqs); i++) {
        CHECK_EQ(info.overrides[1 + i].bus_irq, level_irqs[i]);
        CHECK_EQ(info.overrides[1 + i].gsi, level_irqs[i]);
        CHECK_EQ(info.overrides[1 + i].flags, 0x000D);
    }
    CHECK(info.has_hpet);
    CHECK_EQ(info.hpet_addr, 0xFED00000u);
    CHECK_EQ(info.hpet_number, 0);
    CHECK_EQ(info.hpet_min_tick, 0);
    CHECK(info.has_fadt);
    CHECK_EQ(info.pm1a_cnt_port, 0x604);
    CHECK_EQ(info.pm1b_cnt_port, 0);
    CHECK_EQ(info.pm_timer_port, 0x608);
    CHECK_EQ(info.smi_cmd_port, 0xB2);
    CHECK_EQ(info.acpi_enable_value, 0xF1);
    CHECK(info.has_s5);
    CHECK_EQ(info.s5_slp_typ_a, 0);
    CHECK_EQ(info.s5_slp_typ_b, 0);
    CHECK_EQ(cap.dsdt_len, 6612);
}

/* ------------------------------------------------------------- RSDP/root */

TEST(checksum_sums_bytes)
{
    const uint8_t ok[] = {0x01, 0x02, 0xFD}, off[] = {0xFF, 0x02};
    CHECK_EQ(acpi_checksum(ok, sizeof ok), 0);
    CHECK_EQ(acpi_checksum(off, sizeof off), 1);
    CHECK_EQ(acpi_checksum(NULL, 0), 0);
}

TEST(v1_rsdp_uses_rsdt)
{
    struct acpi_info info;
    mem_reset();
    uint64_t madt = put_madt_cpus(2);
    CHECK_EQ(boot(0, &madt, 1, &info), 0);
    CHECK_EQ(info.rsdp_pa, RSDP_PA);
    CHECK_EQ(info.revision, 0);
    CHECK_STR(info.oem_id, "HVTEST");
    CHECK_EQ(info.table_count, 1);
    CHECK_STR(info.table_sigs[0], "APIC");
    CHECK_EQ(info.cpu_count, 2);
    CHECK(!info.has_fadt && !info.has_hpet && !info.has_s5);
}

TEST(rsdp_found_in_ebda_first)
{
    mem_reset();
    wr16(mem + 0x40E, EBDA_PA >> 4);
    put_rsdp(EBDA_PA + 0x40, 0, 0x1000, 0);
    put_rsdp(RSDP_PA, 0, 0x2000, 0);
    CHECK_EQ(acpi_find_rsdp(mem_read), EBDA_PA + 0x40);
    /* Only the EBDA's first KiB is searched. */
    memset(mem + EBDA_PA + 0x40, 0, 36);
    put_rsdp(EBDA_PA + KiB(1), 0, 0x1000, 0);
    CHECK_EQ(acpi_find_rsdp(mem_read), RSDP_PA);
    memset(mem + RSDP_PA, 0, 36);
    CHECK_EQ(acpi_find_rsdp(mem_read), 0);
}

TEST(rsdp_needs_16_byte_alignment)
{
    mem_reset();
    put_rsdp(0xE0008, 0, 0x1000, 0);
    CHECK_EQ(acpi_find_rsdp(mem_read), 0);
    put_rsdp(0xFFFE0, 0, 0x1000, 0); /* last slot holding 20 bytes */
    CHECK_EQ(acpi_find_rsdp(mem_read), 0xFFFE0);
}

TEST(rsdp_bad_checksums)
{
    struct acpi_info info;
    mem_reset();
    put_rsdp(RSDP_PA, 0, 0x1000, 0);
    mem[RSDP_PA + 16]++; /* v1 checksum covers it */
    CHECK_EQ(acpi_find_rsdp(mem_read), 0);
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_CHECKSUM);

    put_rsdp(RSDP_PA, 2, 0x1000, 0x2000);
    mem[RSDP_PA + 33]++; /* only the extended checksum covers it */
    CHECK_EQ(acpi_checksum(mem + RSDP_PA, 20), 0);
    CHECK_EQ(acpi_find_rsdp(mem_read), 0);
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_CHECKSUM);

    put_rsdp(RSDP_PA, 2, 0x1000, 0x2000);
    wr32(mem + RSDP_PA + 20, 20); /* v2 length below 36: both checksums pass */
    CHECK_EQ(acpi_checksum(mem + RSDP_PA, 20), 0);
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_INVAL);
    wr32(mem + RSDP_PA + 20, MiB(1));
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_INVAL);

    put_rsdp(RSDP_PA, 0, 0x1000, 0);
    memcpy(mem + RSDP_PA, "RSD PTX ", 8);
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_INVAL);
}

/* XSDT and RSDT listing different MADTs show which root was used. */
static void two_roots(uint64_t *xsdt, uint64_t *rsdt)
{
    uint64_t madt_x = put_madt_cpus(3), madt_r = put_madt_cpus(1);
    *xsdt = put_root("XSDT", &madt_x, 1);
    *rsdt = put_root("RSDT", &madt_r, 1);
    put_rsdp(RSDP_PA, 2, *rsdt, *xsdt);
}

TEST(xsdt_preferred_rsdt_fallback)
{
    struct acpi_info info;
    uint64_t xsdt, rsdt;
    mem_reset();
    two_roots(&xsdt, &rsdt);
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), 0);
    CHECK_EQ(info.cpu_count, 3);

    mem[xsdt + 36]++; /* corrupt XSDT: fall back to the RSDT */
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), 0);
    CHECK_EQ(info.cpu_count, 1);

    set_hole(xsdt, 1); /* unreadable XSDT: same */
    mem[xsdt + 36]--;
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), 0);
    CHECK_EQ(info.cpu_count, 1);
}

TEST(bad_root_table_fails)
{
    struct acpi_info info;
    uint64_t madt;
    mem_reset();
    madt = put_madt_cpus(1);
    uint64_t rsdt = put_root("RSDT", &madt, 1);
    put_rsdp(RSDP_PA, 0, rsdt, 0);
    mem[rsdt + 36]++;
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_CHECKSUM);
    mem[rsdt + 36]--;
    wr32(mem + rsdt + 4, 8); /* shorter than a header */
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_INVAL);
    wr32(mem + rsdt + 4, MiB(2)); /* absurd even though readable */
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_INVAL);
    put_rsdp(RSDP_PA, 0, madt, 0); /* wrong signature */
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_INVAL);
    put_rsdp(RSDP_PA, 2, 0, 0); /* no root at all */
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_INVAL);
}

TEST(bad_table_checksum_skipped_but_listed)
{
    struct acpi_info info;
    mem_reset();
    uint64_t tables[4] = {put_madt_cpus(4), 0, put_madt_cpus(2), put_madt_cpus(3)};
    uint8_t hpet[20] = {0};
    wr64(hpet + 8, 0xFED00000u);
    tables[1] = put_table("HPET", hpet, sizeof hpet);
    mem[tables[0] + 50]++;
    mem[tables[1] + 44]++;
    CHECK_EQ(boot(2, tables, 4, &info), 0);
    CHECK_EQ(info.table_count, 4);
    CHECK_STR(info.table_sigs[0], "APIC");
    CHECK_STR(info.table_sigs[1], "HPET");
    CHECK_STR(info.table_sigs[2], "APIC");
    CHECK(!info.has_hpet);
    CHECK_EQ(info.cpu_count, 2); /* the first valid MADT */
}

TEST(first_valid_table_of_each_kind_wins)
{
    struct acpi_info info;
    uint8_t f1[FADT_LEN] = {0}, f2[FADT_LEN] = {0};
    mem_reset();
    wr32(f1 + F_PM1A_CNT, 0x604);
    wr32(f2 + F_PM1A_CNT, 0xB004);
    uint64_t tables[4] = {put_hpet(0xFED00000u, 0, 1, 20), put_hpet(0xFED01000u, 1, 2, 20),
                          put_fadt(f1, sizeof f1), put_fadt(f2, sizeof f2)};
    CHECK_EQ(boot(2, tables, 4, &info), 0);
    CHECK_EQ(info.table_count, 4);
    CHECK_EQ(info.hpet_addr, 0xFED00000u);
    CHECK_EQ(info.hpet_number, 0);
    CHECK_EQ(info.pm1a_cnt_port, 0x604);
}

TEST(table_list_capped_null_entries_skipped)
{
    struct acpi_info info;
    uint64_t tables[41];
    mem_reset();
    tables[0] = 0;
    for (size_t i = 1; i < 40; i++)
        tables[i] = put_table("OEM1", NULL, 0);
    tables[40] = put_madt_cpus(1); /* past the list cap, still parsed */
    CHECK_EQ(boot(2, tables, 41, &info), 0);
    CHECK_EQ(info.table_count, ACPI_MAX_TABLES);
    CHECK_STR(info.table_sigs[0], "OEM1");
    CHECK_EQ(info.cpu_count, 1);
}

/* ------------------------------------------------------------------ MADT */

TEST(madt_ioapics_overrides_lapic_override)
{
    struct acpi_info info;
    struct buf m;
    mem_reset();
    madt_init(&m, 0xFEE00000u);
    madt_lapic(&m, 0, 0, 1);
    madt_ioapic(&m, 2, 0xFEC00000u, 0);
    madt_ioapic(&m, 3, 0xFEC01000u, 24);
    madt_iso(&m, 0, 2, 0);
    madt_iso(&m, 9, 9, 0x000D); /* level, active high */
    put8(&m, 4); put8(&m, 6); put8(&m, 0xFF); put16(&m, 5); put8(&m, 1); /* NMI: ignored */
    madt_lapic_override(&m, 0x1FEE00000ull);
    uint64_t madt = put_buf("APIC", &m);
    CHECK_EQ(boot(2, &madt, 1, &info), 0);
    CHECK_EQ(info.lapic_addr, 0x1FEE00000ull);
    CHECK_EQ(info.cpu_count, 1);
    CHECK_EQ(info.ioapic_count, 2);
    CHECK_EQ(info.ioapics[1].id, 3);
    CHECK_EQ(info.ioapics[1].addr, 0xFEC01000u);
    CHECK_EQ(info.ioapics[1].gsi_base, 24);
    CHECK_EQ(info.override_count, 2);
    CHECK_EQ(info.overrides[0].bus_irq, 0);
    CHECK_EQ(info.overrides[0].gsi, 2);
    CHECK_EQ(info.overrides[1].bus_irq, 9);
    CHECK_EQ(info.overrides[1].gsi, 9);
    CHECK_EQ(info.overrides[1].flags, 0x000D);
}

TEST(madt_x2apic_and_disabled_cpus)
{
    struct acpi_info info;
    struct buf m;
    mem_reset();
    madt_init(&m, 0xFEE00000u);
    madt_lapic(&m, 0, 0, 1);
    madt_lapic(&m, 1, 1, 0); /* disabled */
    madt_lapic(&m, 2, 2, 2); /* online capable only: not enabled */
    madt_lapic(&m, 3, 3, 3);
    madt_x2apic(&m, 0x100, 1, 4);
    madt_x2apic(&m, 0x101, 0, 5); /* disabled */
    madt_x2apic(&m, 0, 1, 0);     /* same CPU as the first local APIC */
    madt_x2apic(&m, 0x12345, 1, 6);
    uint64_t madt = put_buf("APIC", &m);
    CHECK_EQ(boot(2, &madt, 1, &info), 0);
    CHECK_EQ(info.cpu_count, 4);
    CHECK_EQ(info.apic_ids[0], 0);
    CHECK_EQ(info.apic_ids[1], 3);
    CHECK_EQ(info.apic_ids[2], 0x100);
    CHECK_EQ(info.apic_ids[3], 0x12345);
}

TEST(madt_caps_do_not_overflow)
{
    struct acpi_info info;
    struct buf m;
    mem_reset();
    madt_init(&m, 0xFEE00000u);
    for (uint32_t i = 0; i < 100; i++)
        madt_x2apic(&m, i, 1, i);
    for (uint8_t i = 0; i < 20; i++)
        madt_ioapic(&m, i, 0xFEC00000u + i * 0x1000u, i * 24u);
    for (uint8_t i = 0; i < 30; i++)
        madt_iso(&m, i, i, 0);
    uint64_t madt = put_buf("APIC", &m);
    CHECK_EQ(boot(2, &madt, 1, &info), 0);
    CHECK_EQ(info.cpu_count, ACPI_MAX_CPUS);
    CHECK_EQ(info.apic_ids[ACPI_MAX_CPUS - 1], ACPI_MAX_CPUS - 1);
    CHECK_EQ(info.ioapic_count, ACPI_MAX_IOAPICS);
    CHECK_EQ(info.ioapics[ACPI_MAX_IOAPICS - 1].id, ACPI_MAX_IOAPICS - 1);
    CHECK_EQ(info.ioapics[0].addr, 0xFEC00000u);
    CHECK_EQ(info.override_count, ACPI_MAX_OVERRIDES);
    CHECK_EQ(info.overrides[ACPI_MAX_OVERRIDES - 1].bus_irq, ACPI_MAX_OVERRIDES - 1);
    CHECK(!info.has_hpet && !info.has_fadt);
    CHECK_EQ(info.hpet_addr, 0);
}

TEST(madt_malformed_entries)
{
    struct acpi_info info;
    struct buf m;
    mem_reset();
    madt_init(&m, 0xFEE00000u);
    madt_lapic(&m, 0, 0, 1);
    put8(&m, 0); put8(&m, 6); put8(&m, 9); put8(&m, 9); put16(&m, 1); /* too short */
    put8(&m, 9); put8(&m, 12); put16(&m, 0); put32(&m, 0x77); put32(&m, 1); /* same */
    put8(&m, 5); put8(&m, 8); put16(&m, 0); put32(&m, 0xDEAD0000u);       /* same */
    put8(&m, 1); put8(&m, 8); put8(&m, 1); put8(&m, 0); put32(&m, 0xFEC00000u); /* same */
    put8(&m, 2); put8(&m, 8); put8(&m, 0); put8(&m, 0); put32(&m, 2);         /* same */
    madt_lapic(&m, 1, 1, 1);
    put8(&m, 1); put8(&m, 0); /* zero length: parsing stops here */
    madt_lapic(&m, 2, 2, 1);
    uint64_t madt = put_buf("APIC", &m);
    CHECK_EQ(boot(2, &madt, 1, &info), 0);
    CHECK_EQ(info.cpu_count, 2);
    CHECK_EQ(info.lapic_addr, 0xFEE00000u);
    CHECK_EQ(info.ioapic_count, 0);
    CHECK_EQ(info.override_count, 0);

    mem_reset();
    madt_init(&m, 0xFEE00000u);
    madt_lapic(&m, 0, 0, 1);
    put8(&m, 0); put8(&m, 200); put32(&m, 0x01010101); /* runs past the end */
    madt = put_buf("APIC", &m);
    CHECK_EQ(boot(2, &madt, 1, &info), 0);
    CHECK_EQ(info.cpu_count, 1);

    mem_reset(); /* no room for the fixed part: the next MADT is used */
    uint64_t madts[2] = {put_table("APIC", "\0\0\xE0", 3), put_madt_cpus(3)};
    CHECK_EQ(boot(2, madts, 2, &info), 0);
    CHECK_EQ(info.cpu_count, 3);
}

/* ------------------------------------------------------------ HPET, sizes */

TEST(hpet_table)
{
    struct acpi_info info;
    mem_reset();
    uint64_t hpet = put_hpet(0xFED00000u, 0, 0x37EE, 20);
    CHECK_EQ(boot(2, &hpet, 1, &info), 0);
    CHECK(info.has_hpet);
    CHECK_EQ(info.hpet_addr, 0xFED00000u);
    CHECK_EQ(info.hpet_number, 0);
    CHECK_EQ(info.hpet_min_tick, 0x37EE);

    mem_reset();
    hpet = put_hpet(0xFED00000u, 0, 0x37EE, 14); /* truncated */
    CHECK_EQ(boot(2, &hpet, 1, &info), 0);
    CHECK(!info.has_hpet);
    CHECK_EQ(info.table_count, 1);
}

/* MCFG (PCI Firmware 3.2, 4.1.2): 8 reserved bytes, then allocations of
 * base, segment, start bus, end bus, 4 reserved bytes. */
static void mcfg_alloc(struct buf *b, uint64_t base, uint16_t seg, uint8_t start, uint8_t end)
{
    put64(b, base); put16(b, seg); put8(b, start); put8(b, end); put32(b, 0);
}

/* DMAR (VT-d 4.x, 8.1): host address width, flags, 10 reserved bytes,
 * then remapping structures; a DRHD (8.3) is type 0, length, flags,
 * size (2^N pages), segment, register base, then device scopes. */
static void dmar_init(struct buf *b)
{
    b->n = 0;
    put8(b, 38); put8(b, 1);
    for (int i = 0; i < 10; i++)
        put8(b, 0);
}

static void dmar_drhd(struct buf *b, uint64_t base, uint8_t size_log2, uint16_t scope_bytes)
{
    put16(b, 0); put16(b, (uint16_t)(16 + scope_bytes)); put8(b, 0); put8(b, size_log2); put16(b, 0); put64(b, base);
    for (uint16_t i = 0; i < scope_bytes; i++)
        put8(b, 0);
}

TEST(mcfg_ecam_windows)
{
    struct acpi_info info;
    struct buf m = {.n = 0};
    mem_reset();
    put64(&m, 0);
    mcfg_alloc(&m, 0xE0000000u, 0, 0, 255);  /* the whole segment: 256 MiB */
    mcfg_alloc(&m, 0xC0000000u, 1, 16, 31);  /* buses 16-31 of segment 1 */
    mcfg_alloc(&m, 0xB0000000u, 2, 9, 3);    /* end before start: skipped */
    uint64_t t = put_buf("MCFG", &m);
    CHECK_EQ(boot(2, &t, 1, &info), 0);
    CHECK_EQ(info.ecam_count, 2);
    CHECK_EQ(info.ecam[0].base, 0xE0000000u);
    CHECK_EQ(info.ecam[0].size, MiB(256));
    CHECK_EQ(info.ecam[1].base, 0xC1000000u);
    CHECK_EQ(info.ecam[1].size, MiB(16));
    CHECK_EQ(info.ecam_segment[0], 0);
    CHECK_EQ(info.ecam_start_bus[0], 0);
    CHECK_EQ(info.ecam_segment[1], 1);
    CHECK_EQ(info.ecam_start_bus[1], 16);
    CHECK_EQ(info.dmar_unit_count, 0);
}

TEST(dmar_remapping_units)
{
    struct acpi_info info;
    struct buf d;
    mem_reset();
    dmar_init(&d);
    dmar_drhd(&d, 0xFED90000u, 0, 8);                    /* one page, one device scope */
    put16(&d, 1); put16(&d, 24); for (int i = 0; i < 20; i++) put8(&d, 0); /* an RMRR: not a unit */
    dmar_drhd(&d, 0xFED91000u, 2, 0);                    /* 4 pages */
    put16(&d, 0); put16(&d, 2);                          /* length < 4: the rest is not trusted */
    dmar_drhd(&d, 0xFED92000u, 0, 0);
    uint64_t t = put_buf("DMAR", &d);
    CHECK_EQ(boot(2, &t, 1, &info), 0);
    CHECK_EQ(info.dmar_unit_count, 2);
    CHECK_EQ(info.dmar_units[0].base, 0xFED90000u);
    CHECK_EQ(info.dmar_units[0].size, 0x1000);
    CHECK_EQ(info.dmar_units[1].base, 0xFED91000u);
    CHECK_EQ(info.dmar_units[1].size, 0x4000);
    CHECK_EQ(info.ecam_count, 0);
}

TEST(absurd_table_lengths_skipped)
{
    struct acpi_info info;
    mem_reset();
    uint64_t tables[3] = {put_hpet(0xFED00000u, 0, 1, 20), put_madt_cpus(2), put_madt_cpus(1)};
    wr32(mem + tables[0] + 4, 10);
    wr32(mem + tables[1] + 4, MiB(2)); /* readable here, but absurd */
    CHECK_EQ(boot(2, tables, 3, &info), 0);
    CHECK_EQ(info.table_count, 3);
    CHECK(!info.has_hpet);
    CHECK_EQ(info.cpu_count, 1);
}

TEST(unreadable_memory_is_range_error)
{
    struct acpi_info info;
    mem_reset();
    uint64_t tables[2] = {put_madt_cpus(1), put_madt_cpus(2)};
    CHECK_EQ(boot(0, tables, 2, &info), 0);
    set_hole(RSDP_PA, 1);
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_RANGE);
    CHECK_EQ(acpi_find_rsdp(mem_read), 0);
    set_hole(tables[1], 1); /* a listed table */
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_RANGE);
    set_hole(tables[1] + 40, 1); /* header readable, body not */
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_RANGE);
    set_hole(rd32(mem + RSDP_PA + 16), 1); /* the RSDT */
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_RANGE);
    set_hole(0, MEM_SIZE);
    CHECK_EQ(acpi_find_rsdp(mem_read), 0);
    CHECK_EQ(acpi_parse(MEM_SIZE + 0x1000, mem_read, &info), -E_RANGE);
}

/* ------------------------------------------------------------------ FADT */

static int boot_fadt(const uint8_t *fadt, size_t len, uint64_t ssdt, struct acpi_info *info)
{
    uint64_t tables[2] = {put_fadt(fadt, len), ssdt};
    return boot(2, tables, ssdt ? 2 : 1, info);
}

TEST(fadt_v1_legacy_fields)
{
    struct acpi_info info;
    uint8_t f[116] = {0};
    mem_reset();
    wr32(f + F_DSDT, (uint32_t)put_table("DSDT", S5_IASL, sizeof S5_IASL));
    wr32(f + F_SMI_CMD, 0xB2);
    f[F_ACPI_ENABLE] = 0xF1;
    wr32(f + F_PM1A_CNT, 0xB004);
    wr32(f + F_PM_TMR, 0xB008);
    CHECK_EQ(boot_fadt(f, sizeof f, 0, &info), 0);
    CHECK(info.has_fadt);
    CHECK_EQ(info.pm1a_cnt_port, 0xB004);
    CHECK_EQ(info.pm1b_cnt_port, 0);
    CHECK_EQ(info.pm_timer_port, 0xB008);
    CHECK_EQ(info.smi_cmd_port, 0xB2);
    CHECK_EQ(info.acpi_enable_value, 0xF1);
    CHECK(info.has_s5);
    CHECK_EQ(info.s5_slp_typ_a, 5);
    CHECK_EQ(info.s5_slp_typ_b, 5);
}

TEST(fadt_x_fields_preferred)
{
    struct acpi_info info;
    uint8_t f[FADT_LEN] = {0};
    mem_reset();
    wr32(f + F_DSDT, (uint32_t)put_table("DSDT", S5_IASL, sizeof S5_IASL));
    wr64(f + F_X_DSDT, put_table("DSDT", S5_76, sizeof S5_76));
    wr32(f + F_PM1A_CNT, 0x604);
    gas(f + F_X_PM1A_CNT, 1, 0x1004);
    wr32(f + F_PM1B_CNT, 0x608);
    wr32(f + F_PM_TMR, 0x608);
    gas(f + F_X_PM_TMR, 0, 0x808); /* memory space: not a port */
    CHECK_EQ(boot_fadt(f, sizeof f, 0, &info), 0);
    CHECK_EQ(info.pm1a_cnt_port, 0x1004);
    CHECK_EQ(info.pm1b_cnt_port, 0x608); /* X_PM1b empty */
    CHECK_EQ(info.pm_timer_port, 0x608);
    CHECK(info.has_s5);
    CHECK_EQ(info.s5_slp_typ_a, 7);
    CHECK_EQ(info.s5_slp_typ_b, 6);
}

TEST(fadt_x_field_past_table_end_ignored)
{
    struct acpi_info info;
    uint8_t f[FADT_LEN] = {0};
    mem_reset();
    wr32(f + F_PM1A_CNT, 0x604);
    gas(f + F_X_PM1A_CNT, 1, 0x1004);
    CHECK_EQ(boot_fadt(f, F_X_PM1A_CNT + 8, 0, &info), 0); /* GAS cut in half */
    CHECK(info.has_fadt);
    CHECK_EQ(info.pm1a_cnt_port, 0x604);
}

TEST(fadt_too_short_skipped)
{
    struct acpi_info info;
    uint8_t f[100] = {0};
    mem_reset();
    wr32(f + F_PM1A_CNT, 0xB004);
    CHECK_EQ(boot_fadt(f, sizeof f, 0, &info), 0);
    CHECK(!info.has_fadt);
    CHECK_EQ(info.pm1a_cnt_port, 0);
    CHECK_EQ(info.table_count, 1);
}

TEST(s5_from_ssdt_when_dsdt_lacks_it)
{
    struct acpi_info info;
    uint8_t f[FADT_LEN] = {0};
    mem_reset();
    uint64_t dsdt = put_table("DSDT", NO_S5, sizeof NO_S5);
    wr64(f + F_X_DSDT, dsdt);
    CHECK_EQ(boot_fadt(f, sizeof f, put_table("SSDT", S5_76, sizeof S5_76), &info), 0);
    CHECK(info.has_s5);
    CHECK_EQ(info.s5_slp_typ_a, 7);
    CHECK_EQ(info.table_count, 2); /* FACP, SSDT: the DSDT is not listed */

    /* The first valid SSDT holding \_S5 wins. */
    mem_reset();
    wr64(f + F_X_DSDT, put_table("DSDT", NO_S5, sizeof NO_S5));
    uint64_t tables[4] = {put_table("SSDT", S5_IASL, sizeof S5_IASL), put_fadt(f, sizeof f),
                          put_table("SSDT", S5_76, sizeof S5_76),
                          put_table("SSDT", S5_IASL, sizeof S5_IASL)};
    mem[tables[0] + 36 + sizeof S5_IASL - 1]++; /* keeps _S5 intact */
    CHECK_EQ(boot(2, tables, 4, &info), 0);
    CHECK(info.has_s5);
    CHECK_EQ(info.s5_slp_typ_a, 7);

    /* The DSDT's \_S5 wins over an SSDT's. */
    mem_reset();
    wr64(f + F_X_DSDT, put_table("DSDT", S5_IASL, sizeof S5_IASL));
    CHECK_EQ(boot_fadt(f, sizeof f, put_table("SSDT", S5_76, sizeof S5_76), &info), 0);
    CHECK_EQ(info.s5_slp_typ_a, 5);
}

TEST(dsdt_bad_or_unreadable)
{
    struct acpi_info info;
    uint8_t f[FADT_LEN] = {0};
    mem_reset();
    uint64_t dsdt = put_table("DSDT", S5_IASL, sizeof S5_IASL);
    wr64(f + F_X_DSDT, dsdt);
    mem[dsdt + 36 + sizeof S5_IASL - 1]++; /* keeps _S5 intact */
    CHECK_EQ(boot_fadt(f, sizeof f, 0, &info), 0);
    CHECK(info.has_fadt);
    CHECK(!info.has_s5); /* corrupt DSDT is not trusted */
    mem[dsdt + 36 + sizeof S5_IASL - 1]--;
    set_hole(dsdt, 1);
    CHECK_EQ(acpi_parse(RSDP_PA, mem_read, &info), -E_RANGE);

    mem_reset(); /* the FADT points at something that is not a DSDT */
    wr64(f + F_X_DSDT, put_table("SSDT", S5_IASL, sizeof S5_IASL));
    CHECK_EQ(boot_fadt(f, sizeof f, 0, &info), 0);
    CHECK(!info.has_s5);
}

TEST(full_platform)
{
    struct acpi_info a;
    struct buf m;
    uint8_t f[FADT_LEN] = {0};
    mem_reset();
    madt_init(&m, 0xFEE00000u);
    madt_lapic(&m, 0, 0, 1);
    madt_lapic(&m, 1, 1, 1);
    madt_ioapic(&m, 0, 0xFEC00000u, 0);
    madt_iso(&m, 0, 2, 0);
    wr64(f + F_X_DSDT, put_table("DSDT", NO_S5, sizeof NO_S5));
    gas(f + F_X_PM1A_CNT, 1, 0x604);
    uint64_t tables[4] = {put_fadt(f, sizeof f), put_buf("APIC", &m),
                          put_hpet(0xFED00000u, 0, 100, 20), put_table("SSDT", S5_76, sizeof S5_76)};
    CHECK_EQ(boot(2, tables, 4, &a), 0);
    CHECK(a.has_fadt && a.has_hpet && a.has_s5);
    CHECK_EQ(a.cpu_count, 2);
    CHECK_EQ(a.pm1a_cnt_port, 0x604);
}

/* ------------------------------------------------------------------ \_S5 */

/* Runs acpi_find_s5 on an exact-size heap copy so ASan sees overreads. */
static int find_s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (len)
        memcpy(copy, aml, len);
    int rc = acpi_find_s5(copy, len, a, b);
    free(copy);
    return rc;
}

#define S5(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})
#define NAME_S5 0x08, '_', 'S', '5', '_'

TEST(s5_encodings)
{
    uint8_t a = 0xEE, b = 0xEE;
    CHECK_EQ(find_s5(S5_IASL, sizeof S5_IASL, &a, &b), 0);
    CHECK_EQ(a, 5);
    CHECK_EQ(b, 5);
    CHECK_EQ(find_s5(S5(0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0A, 3, 0x0A, 4), &a, &b), 0);
    CHECK_EQ(a, 3);
    CHECK_EQ(b, 4);
    CHECK_EQ(find_s5(S5(NAME_S5, 0x12, 0x04, 0x02, 0x00, 0x01), &a, &b), 0); /* Zero, One */
    CHECK_EQ(a, 0);
    CHECK_EQ(b, 1);
    CHECK_EQ(find_s5(S5(NAME_S5, 0x12, 0x04, 0x02, 7, 2), &a, &b), 0); /* bare bytes */
    CHECK_EQ(a, 7);
    CHECK_EQ(b, 2);
    CHECK_EQ(find_s5(S5(NAME_S5, 0x12, 0x0A, 0x02, 0x0B, 5, 0, 0x0C, 6, 0, 0, 0), &a, &b), 0);
    CHECK_EQ(a, 5);
    CHECK_EQ(b, 6);
    /* Store (\_S5, Local0) is a reference, not the definition after it. */
    CHECK_EQ(find_s5(S5(0x70, '\\', '_', 'S', '5', '_', 0x60, NAME_S5, 0x12, 0x04, 0x02, 2, 3),
                     &a, &b), 0);
    CHECK_EQ(a, 2);
    CHECK_EQ(b, 3);
}

TEST(s5_two_byte_pkglength)
{
    uint8_t aml[128], a = 0, b = 0;
    size_t n = 0;
    const uint8_t head[] = {NAME_S5, 0x12};
    memcpy(aml, head, sizeof head);
    n = sizeof head;
    size_t pkglen = 2 + 1 + 40 * 2; /* PkgLength bytes, NumElements, elements */
    aml[n++] = (uint8_t)(0x40 | (pkglen & 0x0F));
    aml[n++] = (uint8_t)(pkglen >> 4);
    aml[n++] = 40;
    for (int i = 0; i < 40; i++) {
        aml[n++] = 0x0A;
        aml[n++] = (uint8_t)(i == 0 ? 6 : i == 1 ? 4 : 0xAA);
    }
    CHECK_EQ(pkglen, 83);
    CHECK_EQ(find_s5(aml, n, &a, &b), 0);
    CHECK_EQ(a, 6);
    CHECK_EQ(b, 4);
    CHECK_EQ(find_s5(aml, n - 1, &a, &b), -E_NOENT); /* package runs past the end */
}

TEST(s5_rejects_malformed)
{
    uint8_t a = 0xEE, b = 0xEE;
    CHECK_EQ(find_s5(NO_S5, sizeof NO_S5, &a, &b), -E_NOENT);
    CHECK_EQ(find_s5(NULL, 0, &a, &b), -E_NOENT);
    CHECK_EQ(find_s5(S5('_', 'S', '5', '_', 0x12, 0x04, 0x02, 1, 1), &a, &b), -E_NOENT);
    CHECK_EQ(find_s5(S5(NAME_S5, 0x12, 0x06, 0x01, 0x0A, 5, 0x0A, 5), &a, &b), -E_NOENT); /* 1 elem */
    CHECK_EQ(find_s5(S5(NAME_S5, 0x12, 0x08, 0x02, 0x0A, 5), &a, &b), -E_NOENT); /* truncated */
    CHECK_EQ(find_s5(S5(NAME_S5, 0x12, 0x05, 0x02, 0x0A, 5, 0x0A), &a, &b), -E_NOENT);
    CHECK_EQ(find_s5(S5(NAME_S5, 0x12, 0x04, 0x02, 0x0A), &a, &b), -E_NOENT);
    CHECK_EQ(find_s5(S5(NAME_S5, 0x12, 0x04, 0x02, 0x5C, 1), &a, &b), -E_NOENT); /* not an int */
    CHECK_EQ(find_s5(S5(NAME_S5, 0x12, 0xC0), &a, &b), -E_NOENT); /* 4-byte PkgLength cut */
    CHECK_EQ(find_s5(S5(NAME_S5, 0x08, 0x04, 0x02, 1, 1), &a, &b), -E_NOENT); /* not a package */
    CHECK_EQ(find_s5(S5(NAME_S5), &a, &b), -E_NOENT);
    CHECK_EQ(find_s5(S5(NAME_S5, 0x12, 0x04, 0x02, 0x0A, 0x05, 0x0B), &a, &b), -E_NOENT);
    CHECK_EQ(a, 0xEE);
    CHECK_EQ(b, 0xEE);
}
