/* A partition's own ACPI tables (arch/x86/partition_acpi.h). Layouts:
 * ACPI 6.4 sections 5.2.5 (RSDP), 5.2.8 (XSDT), 5.2.9 (FADT), 5.2.11.1
 * (DSDT), 5.2.12 (MADT), 19 (AML), 6.4 (resource descriptors); PCI
 * Firmware Specification 3.2, 4.1.2 (MCFG).
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

#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0A
#define AML_WORD_PREFIX 0x0B
#define AML_DWORD_PREFIX 0x0C
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_EXT_OP 0x5B
#define AML_DEVICE_OP 0x82 /* after AML_EXT_OP */

/* A piece of AML being built. n counts every byte asked for: past
 * sizeof b the piece has overflowed (nothing more is copied), which
 * carries into whatever it is put in, and build_dsdt fails. */
struct aml {
    uint8_t b[512];
    size_t n;
};

static void aml_bytes(struct aml *a, const void *p, size_t n)
{
    if (a->n + n <= sizeof a->b)
        memcpy(a->b + a->n, p, n);
    a->n += n;
}

static void aml_byte(struct aml *a, uint8_t v) { aml_bytes(a, &v, 1); }

/* PkgLength (ACPI 6.4 20.2.4), which counts its own bytes: one byte for
 * lengths below 64, else a lead byte holding bits 3:0 and the count of
 * bytes that follow (bits 7:6), then bits 11:4. Two bytes suffice: a
 * body is at most sizeof b (an overflowed one fails build_dsdt). */
static void aml_pkglen(struct aml *a, size_t body_len)
{
    if (body_len + 1 < 0x40) {
        aml_byte(a, (uint8_t)(body_len + 1));
        return;
    }
    size_t len = body_len + 2;
    aml_byte(a, (uint8_t)(0x40 | (len & 0x0F)));
    aml_byte(a, (uint8_t)(len >> 4));
}

/* Opcode, PkgLength, then the body. */
static void aml_package(struct aml *a, const uint8_t *op, size_t op_len, const struct aml *body)
{
    aml_bytes(a, op, op_len);
    aml_pkglen(a, body->n);
    aml_bytes(a, body->b, body->n);
}

/* Name(seg, EisaId(id)): id is the compressed 32-bit form. */
static void aml_name_eisaid(struct aml *a, const char *seg, uint32_t eisaid)
{
    aml_byte(a, AML_NAME_OP);
    aml_bytes(a, seg, 4);
    aml_byte(a, AML_DWORD_PREFIX);
    uint8_t v[4];
    le_put(v, 0, eisaid, 4);
    aml_bytes(a, v, 4);
}

/* An Integer in its shortest encoding (ACPI 6.4 20.2.3, ComputationalData). */
static void aml_integer(struct aml *a, uint32_t v)
{
    uint8_t bytes[4];
    le_put(bytes, 0, v, 4);
    if (v <= 1) {
        aml_byte(a, v ? AML_ONE_OP : AML_ZERO_OP);
        return;
    }
    uint32_t width = v <= 0xFF ? 1 : v <= 0xFFFF ? 2 : 4;
    aml_byte(a, width == 1 ? AML_BYTE_PREFIX : width == 2 ? AML_WORD_PREFIX : AML_DWORD_PREFIX);
    aml_bytes(a, bytes, width);
}

/* Name(seg, Buffer() {bytes}): a resource template (_CRS). */
static void aml_name_buffer(struct aml *a, const char *seg, const struct aml *bytes)
{
    static const uint8_t buffer_op[] = {AML_BUFFER_OP};
    struct aml body = {.n = 0};
    uint8_t size[2];
    le_put(size, 0, bytes->n, 2);
    aml_byte(&body, bytes->n > 0xFF ? AML_WORD_PREFIX : AML_BYTE_PREFIX); /* BufferSize */
    aml_bytes(&body, size, bytes->n > 0xFF ? 2 : 1);
    aml_bytes(&body, bytes->b, bytes->n);
    aml_byte(a, AML_NAME_OP);
    aml_bytes(a, seg, 4);
    aml_package(a, buffer_op, sizeof buffer_op, &body);
}

/* Scope(\_SB) { Device(name) { body } }. */
static void aml_sb_device(struct aml *a, const char *name, const struct aml *body)
{
    static const uint8_t device_op[] = {AML_EXT_OP, AML_DEVICE_OP};
    static const uint8_t scope_op[] = {AML_SCOPE_OP};
    struct aml dev = {.n = 0}, scope = {.n = 0};
    aml_bytes(&dev, name, 4);
    aml_bytes(&dev, body->b, body->n);
    aml_bytes(&scope, "\\_SB_", 5);
    aml_package(&scope, device_op, sizeof device_op, &dev);
    aml_package(a, scope_op, sizeof scope_op, &scope);
}

/* Name(_S5, Package() {5, 5, 0, 0}): SLP_TYPa/b for soft-off. */
static void aml_s5(struct aml *a)
{
    static const uint8_t s5[] = {AML_NAME_OP, '_', 'S', '5', '_', AML_PACKAGE_OP, 0x08, 0x04,
                                 AML_BYTE_PREFIX, PACPI_SLP_TYP_S5, AML_BYTE_PREFIX, PACPI_SLP_TYP_S5,
                                 AML_ZERO_OP, AML_ZERO_OP};
    aml_bytes(a, s5, sizeof s5);
}

/* -------------------------------------------- resource descriptors (_CRS) */

#define RES_IRQ_NO_FLAGS 0x22  /* small item 0x4, 2 bytes (6.4.2.1) */
#define RES_IO 0x47            /* small item 0x8, 7 bytes (6.4.2.5) */
#define RES_END 0x79           /* small item 0xF, 1 byte (6.4.2.9) */
#define RES_WORD_ADDRESS 0x88  /* large item 0x08 (6.4.3.5.3) */
#define RES_IO_DECODE16 0x01
#define RES_SPACE_IO 1         /* Word Address Space: Resource Type */
#define RES_SPACE_BUS 2
#define RES_MIN_MAX_FIXED 0x0C /* _MIF, _MAF; bit 0 clear: a producer (the bridge decodes it for its bus) */
#define RES_IO_RANGE_ALL 0x03  /* I/O type-specific flags: _RNG, both ISA and non-ISA addresses */

/* IO(Decode16, base, base, 1, len): ports a device itself uses. */
static void res_io(struct aml *r, uint16_t base, uint8_t len)
{
    uint8_t d[8] = {RES_IO, RES_IO_DECODE16};
    le_put(d, 2, base, 2);
    le_put(d, 4, base, 2);
    d[6] = 1; /* alignment */
    d[7] = len;
    aml_bytes(r, d, sizeof d);
}

/* IRQNoFlags() {irq}: edge, active high, exclusive (the ISA default). */
static void res_irq(struct aml *r, uint8_t irq)
{
    uint8_t d[3] = {RES_IRQ_NO_FLAGS};
    le_put(d, 1, 1u << irq, 2);
    aml_bytes(r, d, sizeof d);
}

/* WordBusNumber / WordIO (ResourceProducer, MinFixed, MaxFixed): a range
 * [min, max] a bridge passes to the bus below it. */
static void res_word_range(struct aml *r, uint8_t space, uint8_t type_flags, uint16_t min, uint16_t max)
{
    uint8_t d[16] = {RES_WORD_ADDRESS, 13, 0, space, RES_MIN_MAX_FIXED, type_flags};
    le_put(d, 6, 0, 2);                          /* granularity */
    le_put(d, 8, min, 2);
    le_put(d, 10, max, 2);
    le_put(d, 12, 0, 2);                         /* translation offset */
    le_put(d, 14, (uint32_t)max - min + 1u, 2);  /* length */
    aml_bytes(r, d, sizeof d);
}

static void res_end(struct aml *r)
{
    static const uint8_t d[] = {RES_END, 0}; /* checksum 0: "treated as correct" */
    aml_bytes(r, d, sizeof d);
}

/* ------------------------------------------------------- DSDT's devices */

#define EISAID_PNP0501 0x0105D041u /* EisaId("PNP0501"): 16550A-compatible UART */
#define EISAID_PNP0A03 0x030AD041u /* EisaId("PNP0A03"): PCI host bridge */

/* Device(COM1) { _HID PNP0501, _UID 1, _CRS: IO 0x3F8 x 8, IRQ 4 }:
 * Linux's 8250_pnp then gets the UART's interrupt through the IOAPIC
 * (there is no legacy PIC to give IRQ 4 otherwise). */
static void aml_com1(struct aml *a)
{
    static const uint8_t uid[] = {AML_NAME_OP, '_', 'U', 'I', 'D', AML_ONE_OP};
    struct aml dev = {.n = 0}, crs = {.n = 0};
    res_io(&crs, 0x3F8, 8);
    res_irq(&crs, 4);
    res_end(&crs);
    aml_name_eisaid(&dev, "_HID", EISAID_PNP0501);
    aml_bytes(&dev, uid, sizeof uid);
    aml_name_buffer(&dev, "_CRS", &crs);
    aml_sb_device(a, "COM1", &dev);
}

/* Name(_PRT, Package() { Package() {0xDDDDFFFF, pin, Zero, gsi}, ... })
 * (ACPI 6.4 6.2.13): each INTx pin wired straight to an IOAPIC input
 * (Source Zero: Source Index is the GSI), which the OS programs level
 * triggered, active low, as PCI INTx is. Without it Linux would fall
 * back to the Interrupt Line as an ISA IRQ, and a hardware-reduced ACPI
 * machine has none ("PCI INT A: no GSI"). */
static void aml_prt(struct aml *a, const struct pacpi_board *b)
{
    static const uint8_t package_op[] = {AML_PACKAGE_OP};
    struct aml list = {.n = 0};
    aml_byte(&list, (uint8_t)b->pci_route_count); /* NumElements */
    for (uint32_t i = 0; i < b->pci_route_count; i++) {
        const struct pacpi_pci_route *r = &b->pci_routes[i];
        struct aml entry = {.n = 0};
        aml_byte(&entry, 4);
        aml_integer(&entry, (uint32_t)r->device << 16 | 0xFFFF); /* any function of the device */
        aml_integer(&entry, r->pin);
        aml_byte(&entry, AML_ZERO_OP);
        aml_integer(&entry, r->gsi);
        aml_package(&list, package_op, sizeof package_op, &entry);
    }
    aml_byte(a, AML_NAME_OP);
    aml_bytes(a, "_PRT", 4);
    aml_package(a, package_op, sizeof package_op, &list);
}

/* Device(PCI0) { _HID PNP0A03, _CRS, _PRT }: with ACPI, Linux scans only
 * the root buses the DSDT declares. Its _CRS: bus 0 only; the
 * configuration ports 0xCF8-0xCFF it uses itself; every other port
 * passed down (the partition's I/O BARs lie there; Linux needs a window
 * holding a BAR to leave it where it is). */
static void aml_pci0(struct aml *a, const struct pacpi_board *b)
{
    struct aml dev = {.n = 0}, crs = {.n = 0};
    res_word_range(&crs, RES_SPACE_BUS, 0, 0, 0);
    res_io(&crs, 0xCF8, 8);
    res_word_range(&crs, RES_SPACE_IO, RES_IO_RANGE_ALL, 0x0000, 0x0CF7);
    res_word_range(&crs, RES_SPACE_IO, RES_IO_RANGE_ALL, 0x0D00, 0xFFFF);
    res_end(&crs);
    aml_name_eisaid(&dev, "_HID", EISAID_PNP0A03);
    aml_name_buffer(&dev, "_CRS", &crs);
    if (b->pci_route_count)
        aml_prt(&dev, b);
    aml_sb_device(a, "PCI0", &dev);
}

static int build_dsdt(struct out *o, const struct pacpi_board *b, uint64_t *gpa)
{
    struct aml a = {.n = 0};
    aml_s5(&a);
    if (b->has_com1)
        aml_com1(&a);
    if (b->has_pci)
        aml_pci0(&a, b);
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

/* MCFG: 8 reserved bytes, then one allocation: base address (8 bytes),
 * PCI segment 0 (2), start bus 0, end bus 0, 4 reserved. */
static int build_mcfg(struct out *o, uint64_t ecam, uint64_t *gpa)
{
    uint8_t m[8 + 16] = {0};
    le_put(m, 8, ecam, 8);
    return emit(o, "MCFG", 1, m, sizeof m, gpa);
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

static bool routes_valid(const struct pacpi_board *b)
{
    if (b->pci_route_count > PACPI_MAX_PCI_ROUTES || (b->pci_route_count && !b->has_pci))
        return false;
    for (uint32_t i = 0; i < b->pci_route_count; i++)
        if (b->pci_routes[i].device > 31 || b->pci_routes[i].pin > 3)
            return false;
    return true;
}

int64_t pacpi_build(uint8_t *buf, uint64_t buf_gpa, size_t cap, const struct pacpi_board *b, uint64_t *rsdp_gpa)
{
    if (!buf || !b || !rsdp_gpa || b->cpu_count == 0 || b->cpu_count > PACPI_MAX_CPUS || buf_gpa % 16 ||
        buf_gpa + cap > GiB(4) || !routes_valid(b) || b->pci_ecam % MiB(1))
        return -E_INVAL;
    struct out o = {buf, buf_gpa, cap, 0};
    uint64_t dsdt, tables[3];
    uint32_t count = b->pci_ecam ? 3 : 2;
    int err = build_dsdt(&o, b, &dsdt);
    if (!err)
        err = build_fadt(&o, dsdt, &tables[0]);
    if (!err)
        err = build_madt(&o, b, &tables[1]);
    if (!err && b->pci_ecam)
        err = build_mcfg(&o, b->pci_ecam, &tables[2]);
    if (!err)
        err = build_root(&o, tables, count, rsdp_gpa);
    return err ? err : (int64_t)o.used;
}
