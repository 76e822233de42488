/* A partition's own ACPI tables (arch/x86/partition_acpi.h). Layouts:
 * ACPI 6.4 sections 5.2.5 (RSDP), 5.2.8 (XSDT), 5.2.9 (FADT), 5.2.11.1
 * (DSDT), 5.2.12 (MADT), 19 (AML), 6.4 (resource descriptors).
 *
 * Hardware-reduced ACPI (FADT flag HW_REDUCED_ACPI) is the honest
 * description of a partition: it has no legacy PIC, PIT, PM timer or
 * CMOS clock of its own, its timer is its LAPIC (TSC deadline) and the
 * TSC rate comes from CPUID 0x15. Linux then skips every legacy probe
 * and uses the IOAPIC for the few interrupt lines the partition owns. */
#include "arch/x86/partition_acpi.h"

#include "hv/bytes.h"
#include "hv/string.h"

#define OEM_ID "MHVP  "
#define OEM_TABLE_ID "PARTITN "
#define HEADER_LEN 36
#define RSDP_LEN 36
#define FADT_LEN 276
#define FADT_FLAG_WBINVD (1u << 0)
#define FADT_FLAG_HW_REDUCED (1u << 20)
#define BOOT_ARCH_NO_VGA (1u << 2)
#define BOOT_ARCH_NO_ASPM (1u << 4)
#define BOOT_ARCH_NO_CMOS_RTC (1u << 5)
#define GAS_SYSTEM_IO 1
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_X2APIC 9
#define MADT_ENABLED 1u
#define LAPIC_ADDR 0xFEE00000u

struct out {
    uint8_t *buf;
    uint64_t gpa;
    size_t cap, used;
};

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + p[i]);
    return (uint8_t)-sum;
}

/* Reserves len bytes, 16-byte aligned and zeroed; NULL when full. */
static uint8_t *take(struct out *o, size_t len, uint64_t *gpa)
{
    size_t at = ALIGN_UP(o->used, 16);
    if (at > o->cap || len > o->cap - at)
        return NULL;
    o->used = at + len;
    memset(o->buf + at, 0, len);
    *gpa = o->gpa + at;
    return o->buf + at;
}

static void header(uint8_t *t, const char *sig, size_t len, uint8_t revision)
{
    memcpy(t, sig, 4);
    le_put(t, 4, len, 4);
    t[8] = revision;
    memcpy(t + 10, OEM_ID, 6);
    memcpy(t + 16, OEM_TABLE_ID, 8);
    le_put(t, 24, 1, 4);            /* OEM revision */
    memcpy(t + 28, "MHVP", 4);   /* creator id */
    le_put(t, 32, 1, 4);            /* creator revision */
}

/* Copies a finished table (header + body) into the output, checksummed. */
static int emit(struct out *o, const char *sig, uint8_t revision, const uint8_t *body, size_t body_len,
                uint64_t *gpa)
{
    uint8_t *t = take(o, HEADER_LEN + body_len, gpa);
    if (!t)
        return -E_NOMEM;
    header(t, sig, HEADER_LEN + body_len, revision);
    memcpy(t + HEADER_LEN, body, body_len);
    t[9] = checksum(t, HEADER_LEN + body_len);
    return E_OK;
}

/* ------------------------------------------------------------ DSDT (AML) */

struct aml {
    uint8_t b[160];
    size_t n;
};

static void aml_bytes(struct aml *a, const void *p, size_t n)
{
    if (a->n + n <= sizeof a->b)
        memcpy(a->b + a->n, p, n);
    a->n += n;
}

static void aml_byte(struct aml *a, uint8_t v) { aml_bytes(a, &v, 1); }

/* Opcode, one-byte PkgLength (AML 20.2.4: lengths below 64), then body. */
static void aml_package(struct aml *a, const uint8_t *op, size_t op_len, const struct aml *body)
{
    aml_bytes(a, op, op_len);
    aml_byte(a, (uint8_t)(body->n + 1));
    aml_bytes(a, body->b, body->n);
}

/* Name(_S5, Package() {5, 5, 0, 0}): SLP_TYPa/b for soft-off. */
static void aml_s5(struct aml *a)
{
    static const uint8_t s5[] = {0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0A, PACPI_SLP_TYP_S5,
                                 0x0A, PACPI_SLP_TYP_S5, 0x00, 0x00};
    aml_bytes(a, s5, sizeof s5);
}

/* Scope(\_SB) { Device(COM1) { _HID PNP0501, _UID 1, _CRS: IO 0x3F8 x 8,
 * IRQ 4 } }: Linux's 8250_pnp then gets the UART's interrupt through the
 * IOAPIC (there is no legacy PIC to give IRQ 4 otherwise). */
static void aml_com1(struct aml *a)
{
    static const uint8_t hid[] = {0x08, '_', 'H', 'I', 'D', 0x0C, 0x41, 0xD0, 0x05, 0x01}; /* EisaId("PNP0501") */
    static const uint8_t uid[] = {0x08, '_', 'U', 'I', 'D', 0x01};
    static const uint8_t crs[] = {0x08, '_', 'C', 'R', 'S', 0x11, 0x10, 0x0A, 0x0D,
                                  0x47, 0x01, 0xF8, 0x03, 0xF8, 0x03, 0x01, 0x08, /* IO Decode16 */
                                  0x22, 0x10, 0x00,                               /* IRQNoFlags {4} */
                                  0x79, 0x00};                                    /* end tag */
    static const uint8_t device_op[] = {0x5B, 0x82};
    static const uint8_t scope_op[] = {0x10};
    struct aml dev = {.n = 0}, scope = {.n = 0};
    aml_bytes(&dev, "COM1", 4);
    aml_bytes(&dev, hid, sizeof hid);
    aml_bytes(&dev, uid, sizeof uid);
    aml_bytes(&dev, crs, sizeof crs);
    aml_bytes(&scope, "\\_SB_", 5);
    aml_package(&scope, device_op, sizeof device_op, &dev);
    aml_package(a, scope_op, sizeof scope_op, &scope);
}

static int build_dsdt(struct out *o, const struct pacpi_board *b, uint64_t *gpa)
{
    struct aml a = {.n = 0};
    aml_s5(&a);
    if (b->has_com1)
        aml_com1(&a);
    if (a.n > sizeof a.b)
        return -E_NOMEM;
    return emit(o, "DSDT", 2, a.b, a.n, gpa);
}

/* ------------------------------------------------------------ FADT, MADT */

static void gas_io(uint8_t *g, uint16_t port)
{
    g[0] = GAS_SYSTEM_IO;
    g[1] = 8; /* bit width */
    g[3] = 1; /* byte access */
    le_put(g, 4, port, 8);
}

static int build_fadt(struct out *o, uint64_t dsdt, uint64_t *gpa)
{
    uint8_t f[FADT_LEN - HEADER_LEN] = {0};
#define AT(off) (f + (off) - HEADER_LEN)
    le_put(AT(40), 0, (uint32_t)dsdt, 4);
    le_put(AT(109), 0, BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_ASPM | BOOT_ARCH_NO_CMOS_RTC, 2);
    le_put(AT(112), 0, FADT_FLAG_WBINVD | FADT_FLAG_HW_REDUCED, 4);
    *AT(131) = 4; /* FADT minor version: ACPI 6.4 */
    le_put(AT(140), 0, dsdt, 8);
    gas_io(AT(244), PACPI_SLEEP_CONTROL_PORT);
    gas_io(AT(256), PACPI_SLEEP_CONTROL_PORT + 1);
    memcpy(AT(268), "MHVPartn", 8); /* hypervisor vendor identity */
#undef AT
    return emit(o, "FACP", 6, f, sizeof f, gpa);
}

static int build_madt(struct out *o, const struct pacpi_board *b, uint64_t *gpa)
{
    uint8_t m[8 + PACPI_MAX_CPUS * 16 + 12] = {0};
    size_t n = 8;
    le_put(m, 0, LAPIC_ADDR, 4); /* flags 0: no PC-AT 8259s */
    for (uint32_t i = 0; i < b->cpu_count; i++) {
        if (b->apic_ids[i] < 0xFF) { /* xAPIC-sized id: the classic entry */
            uint8_t e[8] = {MADT_LAPIC, 8, (uint8_t)i, (uint8_t)b->apic_ids[i], MADT_ENABLED, 0, 0, 0};
            memcpy(m + n, e, sizeof e);
            n += sizeof e;
        } else {
            m[n] = MADT_X2APIC;
            m[n + 1] = 16;
            le_put(m, n + 4, b->apic_ids[i], 4);
            le_put(m, n + 8, MADT_ENABLED, 4);
            le_put(m, n + 12, i, 4);
            n += 16;
        }
    }
    if (b->has_ioapic) {
        uint8_t e[12] = {MADT_IOAPIC, 12, b->ioapic_id, 0};
        le_put(e, 4, b->ioapic_addr, 4); /* GSI base 0 */
        memcpy(m + n, e, sizeof e);
        n += sizeof e;
    }
    return emit(o, "APIC", 5, m, n, gpa);
}

static int build_root(struct out *o, const uint64_t *tables, uint32_t count, uint64_t *rsdp_gpa)
{
    uint64_t rsdp_at, xsdt;
    uint8_t *r = take(o, RSDP_LEN, &rsdp_at);
    uint8_t x[8 * 4];
    for (uint32_t i = 0; i < count; i++)
        le_put(x, 8 * i, tables[i], 8);
    if (!r || emit(o, "XSDT", 1, x, 8 * count, &xsdt))
        return -E_NOMEM;
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, OEM_ID, 6);
    r[15] = 2; /* ACPI 2.0+: XSDT */
    le_put(r, 20, RSDP_LEN, 4);
    le_put(r, 24, xsdt, 8);
    r[8] = checksum(r, 20);
    r[32] = checksum(r, RSDP_LEN);
    *rsdp_gpa = rsdp_at;
    return E_OK;
}

int64_t pacpi_build(uint8_t *buf, uint64_t buf_gpa, size_t cap, const struct pacpi_board *b, uint64_t *rsdp_gpa)
{
    if (!buf || !b || !rsdp_gpa || b->cpu_count == 0 || b->cpu_count > PACPI_MAX_CPUS || buf_gpa % 16 ||
        buf_gpa + cap > GiB(4))
        return -E_INVAL;
    struct out o = {buf, buf_gpa, cap, 0};
    uint64_t dsdt, tables[2];
    int err = build_dsdt(&o, b, &dsdt);
    if (!err)
        err = build_fadt(&o, dsdt, &tables[0]);
    if (!err)
        err = build_madt(&o, b, &tables[1]);
    if (!err)
        err = build_root(&o, tables, 2, rsdp_gpa);
    return err ? err : (int64_t)o.used;
}
