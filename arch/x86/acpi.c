/* ACPI table discovery: see acpi.h. Layouts cite ACPI 6.5 section numbers.
 *
 * Rules this parser keeps:
 *  - Every byte is read through the caller's reader, and each mapping is used
 *    only until the next read call, so a reader with a single mapping window
 *    works (values needed later are copied out first).
 *  - A table is mapped in two steps: its 36-byte header, to learn the
 *    length, then the whole table. Lengths below the header size or above
 *    1 MiB are absurd and the table is rejected.
 *  - A listed table that is rejected (absurd length, wrong checksum) is
 *    skipped: nothing in it is trusted and no field of acpi_info comes from
 *    it. Its signature still appears in table_sigs, which lists what the
 *    RSDT/XSDT offers, so a log shows that firmware did provide e.g. an MADT.
 *    Null entries are not listed.
 *  - Memory the reader refuses (the RSDP, the root table, a listed table, the
 *    DSDT) fails the whole parse with -E_RANGE: that means the caller's
 *    mapping is wrong, which must not look like "no such table".
 *  - Arrays are capped at their ACPI_MAX_* size; entries past the cap are
 *    ignored, so every count is at most its array's size.
 *  - Only the first valid MADT, HPET and FADT are used; every valid MCFG and
 *    DMAR adds its ranges (up to the caps).
 *  - On error *out is partially filled and must not be used.
 */
#include "arch/x86/acpi.h"
#include "hv/string.h"

#define HDR_LEN 36u /* standard table header (5.2.6); its length field is at 4 */
#define MAX_TABLE_LEN MiB(1)

/* RSDP (5.2.5.3) and where it is searched for (5.2.5.1). */
#define RSDP_SIG "RSD PTR "
enum { RSDP_OEM = 9, RSDP_REVISION = 15, RSDP_RSDT = 16, RSDP_LENGTH = 20, RSDP_XSDT = 24 };
enum { RSDP_V1_LEN = 20, RSDP_V2_LEN = 36, RSDP_MAX_LEN = 4096, RSDP_ALIGN = 16 };
enum { BDA_EBDA_SEG = 0x40E, BIOS_AREA_START = 0xE0000, BIOS_AREA_LEN = 0x20000 };
#define EBDA_SCAN_LEN KiB(1)

/* MADT (5.2.12): local APIC address, flags, then type/length entries. */
enum { MADT_LAPIC_ADDR = 36, MADT_ENTRIES = 44 };
enum {
    MADT_LAPIC = 0,          /* 5.2.12.2 */
    MADT_IOAPIC = 1,         /* 5.2.12.3 */
    MADT_ISO = 2,            /* 5.2.12.5 */
    MADT_LAPIC_OVERRIDE = 5, /* 5.2.12.8 */
    MADT_X2APIC = 9,         /* 5.2.12.12 */
};
#define MADT_CPU_ENABLED 1u /* flags bit 0; bit 1 "online capable" is not "enabled" */

/* HPET description table (IA-PC HPET specification 1.0a, 3.2.4). */
enum { HPET_BASE_GAS = 40, HPET_NUMBER = 52, HPET_MIN_TICK = 53, HPET_LEN = 56 };

/* MCFG (PCI Firmware Specification 3.2, 4.1.2): 8 reserved bytes after
 * the header, then 16-byte allocations: base, segment, start and end bus. */
enum { MCFG_ENTRIES = 44, MCFG_ENTRY_LEN = 16, MCFG_BASE = 0, MCFG_SEGMENT = 8, MCFG_START_BUS = 10, MCFG_END_BUS = 11 };
#define ECAM_BUS_BYTES MiB(1) /* 32 devices x 8 functions x 4 KiB */

/* DMAR (Intel VT-d specification 4.x, 8.1 and 8.3): remapping structures
 * from byte 48, each type/length; a DRHD (type 0) has the size of its
 * register set at 5 (bits 3:0: 2^N pages) and its base at 8. */
enum { DMAR_STRUCTS = 48, DMAR_DRHD = 0, DRHD_SIZE = 5, DRHD_BASE = 8, DRHD_MIN_LEN = 16 };

/* FADT (5.2.9) byte offsets; a 1.0 FADT is 116 bytes, shorter is malformed. */
enum { FADT_DSDT = 40, FADT_SMI_CMD = 48, FADT_ACPI_ENABLE = 52, FADT_V1_LEN = 116 };
enum { FADT_PM1A_CNT = 64, FADT_PM1B_CNT = 68, FADT_PM_TMR = 76 };
enum { FADT_X_DSDT = 140, FADT_X_PM1A_CNT = 172, FADT_X_PM1B_CNT = 184, FADT_X_PM_TMR = 208 };

/* Generic Address Structure (5.2.3.2). */
enum { GAS_SPACE = 0, GAS_ADDR = 4, GAS_LEN = 12, GAS_SPACE_IO = 1 };

/* AML encodings (20.2): NameOp 20.2.5.1, PackageOp 20.2.5.4, RootChar
 * 20.2.2, constants 20.2.3. ZeroOp (0x00) and OneOp (0x01) are values. */
enum {
    AML_NAME_OP = 0x08,
    AML_BYTE_PREFIX = 0x0A,
    AML_WORD_PREFIX = 0x0B,
    AML_DWORD_PREFIX = 0x0C,
    AML_PACKAGE_OP = 0x12,
    AML_ROOT_CHAR = '\\',
};
#define SLP_TYP_MAX 7 /* SLP_TYPx is a 3-bit field (section 16) */

/* Tables may sit at any byte address, so fields are copied, not cast. */
static uint16_t rd16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

uint8_t acpi_checksum(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

struct rsdp {
    uint8_t revision;
    char oem[7];
    uint32_t rsdt;
    uint64_t xsdt;
};

/* ACPI 2.0+ RSDP: the extended checksum covers `length` bytes. */
static int rsdp_read_v2(acpi_reader_fn read, uint64_t pa, struct rsdp *r)
{
    const uint8_t *p = read(pa, RSDP_V2_LEN);
    if (!p)
        return -E_RANGE;
    uint32_t len = rd32(p + RSDP_LENGTH);
    if (len < RSDP_V2_LEN || len > RSDP_MAX_LEN)
        return -E_INVAL;
    r->xsdt = rd64(p + RSDP_XSDT);
    p = read(pa, len);
    if (!p)
        return -E_RANGE;
    return acpi_checksum(p, len) ? -E_CHECKSUM : 0;
}

static int rsdp_read(acpi_reader_fn read, uint64_t pa, struct rsdp *r)
{
    const uint8_t *p = read(pa, RSDP_V1_LEN);
    if (!p)
        return -E_RANGE;
    if (memcmp(p, RSDP_SIG, 8) != 0)
        return -E_INVAL;
    if (acpi_checksum(p, RSDP_V1_LEN) != 0)
        return -E_CHECKSUM;
    memset(r, 0, sizeof *r);
    r->revision = p[RSDP_REVISION];
    memcpy(r->oem, p + RSDP_OEM, 6);
    r->rsdt = rd32(p + RSDP_RSDT);
    return r->revision >= 2 ? rsdp_read_v2(read, pa, r) : 0;
}

static uint64_t rsdp_scan(acpi_reader_fn read, uint64_t base, uint64_t len)
{
    struct rsdp r;
    for (uint64_t off = 0; off + RSDP_V1_LEN <= len; off += RSDP_ALIGN) {
        if (rsdp_read(read, base + off, &r) == 0)
            return base + off;
    }
    return 0;
}

uint64_t acpi_find_rsdp(acpi_reader_fn read)
{
    const uint8_t *seg = read(BDA_EBDA_SEG, 2);
    if (seg && rd16(seg) != 0) {
        uint64_t pa = rsdp_scan(read, (uint64_t)rd16(seg) << 4, EBDA_SCAN_LEN);
        if (pa)
            return pa;
    }
    return rsdp_scan(read, BIOS_AREA_START, BIOS_AREA_LEN);
}

struct table {
    const uint8_t *p; /* valid until the next read call */
    uint32_t len;
    char sig[5];
    uint64_t pa;
};

/* Maps the table at pa (header first, then its full length). sig is set as
 * soon as the header is read, even when the table is then rejected. */
static int table_map(acpi_reader_fn read, uint64_t pa, struct table *t)
{
    const uint8_t *h = read(pa, HDR_LEN);
    t->pa = pa;
    t->p = NULL;
    t->sig[0] = '\0';
    if (!h)
        return -E_RANGE;
    memcpy(t->sig, h, 4);
    t->sig[4] = '\0';
    t->len = rd32(h + 4);
    if (t->len < HDR_LEN || t->len > MAX_TABLE_LEN)
        return -E_INVAL;
    t->p = read(pa, t->len);
    if (!t->p)
        return -E_RANGE;
    return acpi_checksum(t->p, t->len) ? -E_CHECKSUM : 0;
}

/* RSDT (5.2.7, 32-bit entries) or XSDT (5.2.8, 64-bit entries). */
struct root {
    uint64_t pa;
    uint32_t count;
    uint32_t entry_size;
};

static int root_open(acpi_reader_fn read, uint64_t pa, const char *sig, uint32_t entry_size,
                     struct root *rt)
{
    struct table t;
    int rc = table_map(read, pa, &t);
    if (rc)
        return rc;
    if (memcmp(t.sig, sig, 4) != 0)
        return -E_INVAL;
    rt->pa = pa;
    rt->entry_size = entry_size;
    rt->count = (t.len - HDR_LEN) / entry_size;
    return 0;
}

/* The XSDT when the RSDP is 2.0+ and the XSDT is valid, else the RSDT. */
static int root_select(acpi_reader_fn read, const struct rsdp *r, struct root *rt)
{
    int rc = -E_INVAL;
    if (r->revision >= 2 && r->xsdt) {
        rc = root_open(read, r->xsdt, "XSDT", 8, rt);
        if (rc == 0)
            return 0;
    }
    if (r->rsdt)
        rc = root_open(read, r->rsdt, "RSDT", 4, rt);
    return rc;
}

/* Entries are read one at a time: the root's own mapping is not kept. */
static int root_entry(acpi_reader_fn read, const struct root *rt, uint32_t i, uint64_t *pa)
{
    const uint8_t *e = read(rt->pa + HDR_LEN + (uint64_t)i * rt->entry_size, rt->entry_size);
    if (!e)
        return -E_RANGE;
    *pa = rt->entry_size == 8 ? rd64(e) : rd32(e);
    return 0;
}

struct ctx {
    acpi_reader_fn read;
    struct acpi_info *out;
    bool have_madt;
};

/* Called with each mapped table and its table_map status. */
typedef int (*table_fn)(struct ctx *c, const struct table *t, int status);

static int for_each_table(struct ctx *c, const struct root *rt, table_fn fn)
{
    for (uint32_t i = 0; i < rt->count; i++) {
        uint64_t pa;
        struct table t;
        int rc = root_entry(c->read, rt, i, &pa);
        if (rc)
            return rc;
        if (pa == 0)
            continue; /* unused slot */
        rc = table_map(c->read, pa, &t);
        if (rc == -E_RANGE)
            return rc;
        rc = fn(c, &t, rc);
        if (rc)
            return rc;
    }
    return 0;
}

static void add_cpu(struct acpi_info *out, uint32_t apic_id)
{
    /* Firmware may describe one CPU with both a local APIC and an x2APIC
     * entry; count it once. */
    for (uint32_t i = 0; i < out->cpu_count; i++) {
        if (out->apic_ids[i] == apic_id)
            return;
    }
    if (out->cpu_count < ACPI_MAX_CPUS)
        out->apic_ids[out->cpu_count++] = apic_id;
}

static void add_ioapic(struct acpi_info *out, const uint8_t *e)
{
    if (out->ioapic_count >= ACPI_MAX_IOAPICS)
        return;
    struct acpi_ioapic *io = &out->ioapics[out->ioapic_count++];
    io->id = e[2];
    io->addr = rd32(e + 4);
    io->gsi_base = rd32(e + 8);
}

static void add_override(struct acpi_info *out, const uint8_t *e)
{
    if (out->override_count >= ACPI_MAX_OVERRIDES)
        return;
    struct acpi_irq_override *o = &out->overrides[out->override_count++];
    o->bus_irq = e[3]; /* e[2] is the bus, always 0 (ISA) */
    o->gsi = rd32(e + 4);
    o->flags = rd16(e + 8);
}

/* One MADT entry; entries shorter than their type's layout are ignored. */
static void madt_entry(struct acpi_info *out, const uint8_t *e, uint8_t len)
{
    switch (e[0]) {
    case MADT_LAPIC:
        if (len >= 8 && (rd32(e + 4) & MADT_CPU_ENABLED))
            add_cpu(out, e[3]);
        break;
    case MADT_IOAPIC:
        if (len >= 12)
            add_ioapic(out, e);
        break;
    case MADT_ISO:
        if (len >= 10)
            add_override(out, e);
        break;
    case MADT_LAPIC_OVERRIDE:
        if (len >= 12)
            out->lapic_addr = rd64(e + 4);
        break;
    case MADT_X2APIC:
        if (len >= 16 && (rd32(e + 8) & MADT_CPU_ENABLED))
            add_cpu(out, rd32(e + 4));
        break;
    default:
        break; /* NMI sources, GIC entries etc. are not needed */
    }
}

/* Returns false for a MADT too short to hold its fixed part. */
static bool parse_madt(const struct table *t, struct acpi_info *out)
{
    if (t->len < MADT_ENTRIES)
        return false;
    out->lapic_addr = rd32(t->p + MADT_LAPIC_ADDR);
    for (uint32_t off = MADT_ENTRIES; off + 2 <= t->len;) {
        uint8_t len = t->p[off + 1];
        if (len < 2 || len > t->len - off)
            break; /* malformed: stop rather than guess where entries resume */
        madt_entry(out, t->p + off, len);
        off += len;
    }
    return true;
}

static void parse_hpet(const struct table *t, struct acpi_info *out)
{
    if (t->len < HPET_LEN)
        return;
    out->has_hpet = true;
    out->hpet_addr = rd64(t->p + HPET_BASE_GAS + GAS_ADDR);
    out->hpet_number = t->p[HPET_NUMBER];
    out->hpet_min_tick = rd16(t->p + HPET_MIN_TICK);
}

static void parse_mcfg(const struct table *t, struct acpi_info *out)
{
    for (uint32_t off = MCFG_ENTRIES; off + MCFG_ENTRY_LEN <= t->len && out->ecam_count < ACPI_MAX_ECAM;
         off += MCFG_ENTRY_LEN) {
        const uint8_t *e = t->p + off;
        uint8_t start = e[MCFG_START_BUS], end = e[MCFG_END_BUS];
        if (end < start)
            continue; /* malformed: nothing to trust */
        out->ecam_segment[out->ecam_count] = rd16(e + MCFG_SEGMENT);
        out->ecam_start_bus[out->ecam_count] = start;
        out->ecam[out->ecam_count++] = (struct acpi_mmio_range){rd64(e + MCFG_BASE) + start * ECAM_BUS_BYTES,
                                                                 (uint64_t)(end - start + 1) * ECAM_BUS_BYTES};
    }
}

static void parse_dmar(const struct table *t, struct acpi_info *out)
{
    for (uint32_t off = DMAR_STRUCTS; off + 4 <= t->len;) {
        uint16_t type = rd16(t->p + off), len = rd16(t->p + off + 2);
        if (len < 4 || len > t->len - off)
            break; /* malformed: stop rather than guess where structures resume */
        if (type == DMAR_DRHD && len >= DRHD_MIN_LEN && out->dmar_unit_count < ACPI_MAX_DMAR_UNITS)
            out->dmar_units[out->dmar_unit_count++] = (struct acpi_mmio_range){
                rd64(t->p + off + DRHD_BASE), (uint64_t)PAGE_SIZE << (t->p[off + DRHD_SIZE] & 0xF)};
        off += len;
    }
}

/* The X_ GAS wins when present (5.2.9: OSPM uses X_ fields when nonzero), but
 * only if it names an I/O port: the 32-bit fields are always ports. */
static uint32_t fadt_port(const struct table *t, uint32_t legacy_off, uint32_t x_off)
{
    if (t->len >= x_off + GAS_LEN && t->p[x_off + GAS_SPACE] == GAS_SPACE_IO) {
        uint64_t port = rd64(t->p + x_off + GAS_ADDR);
        if (port != 0 && port <= 0xFFFF)
            return (uint32_t)port;
    }
    return rd32(t->p + legacy_off);
}

/* Looks for \_S5 in the body of a valid DSDT or SSDT. */
static void scan_s5(const struct table *t, struct acpi_info *out)
{
    if (acpi_find_s5(t->p + HDR_LEN, t->len - HDR_LEN, &out->s5_slp_typ_a,
                     &out->s5_slp_typ_b) == 0)
        out->has_s5 = true;
}

static int scan_dsdt(struct ctx *c, uint64_t pa)
{
    struct table t;
    if (pa == 0)
        return 0;
    int rc = table_map(c->read, pa, &t);
    if (rc == -E_RANGE)
        return rc;
    if (rc == 0 && memcmp(t.sig, "DSDT", 4) == 0)
        scan_s5(&t, c->out);
    return 0; /* a corrupt DSDT only means no \_S5 */
}

static int parse_fadt(struct ctx *c, const struct table *t)
{
    struct acpi_info *out = c->out;
    if (t->len < FADT_V1_LEN)
        return 0;
    out->has_fadt = true;
    out->pm1a_cnt_port = fadt_port(t, FADT_PM1A_CNT, FADT_X_PM1A_CNT);
    out->pm1b_cnt_port = fadt_port(t, FADT_PM1B_CNT, FADT_X_PM1B_CNT);
    out->pm_timer_port = fadt_port(t, FADT_PM_TMR, FADT_X_PM_TMR);
    out->smi_cmd_port = rd32(t->p + FADT_SMI_CMD);
    out->acpi_enable_value = t->p[FADT_ACPI_ENABLE];
    uint64_t dsdt = 0;
    if (t->len >= FADT_X_DSDT + 8)
        dsdt = rd64(t->p + FADT_X_DSDT);
    if (dsdt == 0)
        dsdt = rd32(t->p + FADT_DSDT);
    out->dsdt_pa = dsdt;
    return scan_dsdt(c, dsdt); /* t->p is dead from here on */
}

static void list_table(struct acpi_info *out, const struct table *t)
{
    if (out->table_count < ACPI_MAX_TABLES) {
        out->table_pa[out->table_count] = t->pa;
        memcpy(out->table_sigs[out->table_count++], t->sig, 5);
    }
}

static int first_pass(struct ctx *c, const struct table *t, int status)
{
    struct acpi_info *out = c->out;
    list_table(out, t);
    if (status != 0)
        return 0; /* rejected: listed, not trusted */
    if (memcmp(t->sig, "APIC", 4) == 0 && !c->have_madt) {
        c->have_madt = parse_madt(t, out);
    } else if (memcmp(t->sig, "HPET", 4) == 0 && !out->has_hpet) {
        parse_hpet(t, out);
    } else if (memcmp(t->sig, "MCFG", 4) == 0) {
        parse_mcfg(t, out);
    } else if (memcmp(t->sig, "DMAR", 4) == 0) {
        parse_dmar(t, out);
    } else if (memcmp(t->sig, "FACP", 4) == 0 && !out->has_fadt) {
        return parse_fadt(c, t);
    }
    return 0;
}

/* \_S5 may live in an SSDT when the DSDT lacks it. */
static int ssdt_pass(struct ctx *c, const struct table *t, int status)
{
    if (status == 0 && !c->out->has_s5 && memcmp(t->sig, "SSDT", 4) == 0)
        scan_s5(t, c->out);
    return 0;
}

int acpi_parse(uint64_t rsdp_pa, acpi_reader_fn read, struct acpi_info *out)
{
    struct rsdp r;
    struct root rt;
    struct ctx c = {.read = read, .out = out, .have_madt = false};

    memset(out, 0, sizeof *out);
    int rc = rsdp_read(read, rsdp_pa, &r);
    if (rc)
        return rc;
    out->rsdp_pa = rsdp_pa;
    out->revision = r.revision;
    memcpy(out->oem_id, r.oem, sizeof out->oem_id);

    rc = root_select(read, &r, &rt);
    if (rc)
        return rc;
    rc = for_each_table(&c, &rt, first_pass);
    if (rc == 0 && out->has_fadt && !out->has_s5)
        rc = for_each_table(&c, &rt, ssdt_pass);
    return rc;
}

/* Decodes a PkgLength (20.2.4) at aml[*pos]: bits 7:6 of the lead byte count
 * the bytes that follow; with none, bits 5:0 are the length, else bits 3:0
 * are its low nibble. Returns the length (which counts the encoding itself)
 * and advances *pos, or returns 0 when it runs past len. */
static size_t aml_pkglen(const uint8_t *aml, size_t len, size_t *pos)
{
    size_t p = *pos;
    if (p >= len)
        return 0;
    size_t extra = aml[p] >> 6;
    if (extra >= len - p)
        return 0;
    size_t v = extra ? (aml[p] & 0x0Fu) : (aml[p] & 0x3Fu);
    for (size_t i = 0; i < extra; i++)
        v |= (size_t)aml[p + 1 + i] << (4 + 8 * i);
    *pos = p + 1 + extra;
    return v;
}

/* One package element holding SLP_TYPx: a Byte/Word/DWord constant, ZeroOp,
 * OneOp, or (as some firmware emits) a bare small byte. SLP_TYPx is 3 bits,
 * so only the low byte of a wider constant matters. */
static int aml_slp_typ(const uint8_t *aml, size_t end, size_t *pos, uint8_t *val)
{
    size_t p = *pos;
    if (p >= end)
        return -E_NOENT;
    static const uint8_t prefix_width[] = {
        [AML_BYTE_PREFIX] = 1, [AML_WORD_PREFIX] = 2, [AML_DWORD_PREFIX] = 4};
    uint8_t op = aml[p];
    size_t width = op < sizeof prefix_width ? prefix_width[op] : 0;
    if (width == 0 && op > SLP_TYP_MAX)
        return -E_NOENT; /* not an integer this small */
    if (width >= end - p)
        return -E_NOENT;
    *val = width ? aml[p + 1] : op;
    *pos = p + 1 + width;
    return 0;
}

/* Checks the "_S5_" at aml[i] is a NameOp of a package and reads it. */
static int s5_at(const uint8_t *aml, size_t len, size_t i, uint8_t *a, uint8_t *b)
{
    bool named = (i >= 1 && aml[i - 1] == AML_NAME_OP) ||
                 (i >= 2 && aml[i - 2] == AML_NAME_OP && aml[i - 1] == AML_ROOT_CHAR);
    size_t pos = i + 4;
    if (!named || pos >= len || aml[pos] != AML_PACKAGE_OP)
        return -E_NOENT;
    size_t start = ++pos;
    size_t pkglen = aml_pkglen(aml, len, &pos);
    if (pkglen == 0 || pkglen > len - start || pos >= start + pkglen)
        return -E_NOENT;
    size_t end = start + pkglen;
    if (aml[pos++] < 2) /* NumElements: need SLP_TYPa and SLP_TYPb */
        return -E_NOENT;
    if (aml_slp_typ(aml, end, &pos, a) || aml_slp_typ(aml, end, &pos, b))
        return -E_NOENT;
    return 0;
}

int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typ_a, uint8_t *slp_typ_b)
{
    for (size_t i = 0; i + 4 <= len; i++) {
        uint8_t a, b;
        if (memcmp(aml + i, "_S5_", 4) == 0 && s5_at(aml, len, i, &a, &b) == 0) {
            *slp_typ_a = a;
            *slp_typ_b = b;
            return 0;
        }
    }
    return -E_NOENT;
}
