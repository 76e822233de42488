#define _GNU_SOURCE /* memmem */
/* Tests for the DSDT arch/x86/partition_acpi.c builds: it is read back
 * with a small AML reader of its own (the few terms the builder writes:
 * Name, Scope, Device, and the data objects), which checks every
 * PkgLength against its parent's end, and each _CRS buffer is walked
 * descriptor by descriptor (ACPI 6.4 6.4) to its end tag. The PCI host
 * bridge is there only for a board with PCI functions, and its _CRS
 * passes every I/O port down except the configuration ports. */
#include <string.h>

#include "arch/x86/acpi.h"
#include "arch/x86/partition_acpi.h"
#include "unit.h"

#define BUF_GPA 0x9000
#define BUF_SIZE 0x1000
#define MAX_DEVICES 4

static uint64_t get(const uint8_t *p, size_t off, unsigned n)
{
    uint64_t v = 0;
    memcpy(&v, p + off, n);
    return v;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

/* ------------------------------------------------------------ AML reader */

struct device {
    char name[5];
    uint32_t hid;
    const uint8_t *crs;
    size_t crs_len;
    int prt_count; /* -1: no _PRT */
    uint32_t prt[PACPI_MAX_PCI_ROUTES][4]; /* address, pin, source (0), source index */
};

struct dsdt {
    struct device dev[MAX_DEVICES];
    unsigned count;
    bool has_s5;
    bool two_byte_pkglen; /* some package needed a two-byte PkgLength */
};

/* PkgLength at p[*at] (ACPI 6.4 20.2.4): the package's end, which must
 * lie within end; 0 when malformed. */
static size_t pkg_end(const uint8_t *p, size_t end, size_t *at, struct dsdt *d)
{
    size_t start = *at;
    if (start >= end)
        return 0;
    unsigned extra = p[start] >> 6;
    if (extra && (p[start] & 0x30))
        return 0; /* bits 5:4 of a multi-byte lead byte are reserved zero */
    size_t len = extra ? p[start] & 0x0Fu : p[start] & 0x3Fu;
    for (unsigned i = 0; i < extra; i++) {
        if (start + 1 + i >= end)
            return 0;
        len |= (size_t)p[start + 1 + i] << (4 + 8 * i);
    }
    if (extra == 1 && len < 0x40)
        return 0; /* this builder writes the shortest form */
    d->two_byte_pkglen |= extra == 1;
    *at = start + 1 + extra;
    if (len < 1 + extra || start + len > end)
        return 0;
    return start + len;
}

/* A NameString: an optional root prefix, then one NameSeg. */
static bool name_string(const uint8_t *p, size_t end, size_t *at, char seg[5])
{
    if (*at < end && p[*at] == '\\')
        (*at)++;
    if (*at + 4 > end)
        return false;
    memcpy(seg, p + *at, 4);
    seg[4] = 0;
    *at += 4;
    return true;
}

/* An Integer (Zero, One, Byte/Word/DWordConst) at p[*at]. */
static bool integer(const uint8_t *p, size_t end, size_t *at, uint32_t *v)
{
    static const unsigned width[] = {[0x0A] = 1, [0x0B] = 2, [0x0C] = 4};
    if (*at >= end)
        return false;
    uint8_t op = p[(*at)++];
    if (op <= 1) {
        *v = op;
        return true;
    }
    if (op < 0x0A || op > 0x0C || *at + width[op] > end)
        return false;
    *v = (uint32_t)get(p, *at, width[op]);
    *at += width[op];
    return true;
}

/* A _PRT's body: NumElements packages of four Integers. */
static bool prt(const uint8_t *p, size_t at, size_t end, struct dsdt *d, struct device *dev)
{
    if (at >= end || p[at] > PACPI_MAX_PCI_ROUTES)
        return false;
    dev->prt_count = p[at++];
    for (int i = 0; i < dev->prt_count; i++) {
        if (at >= end || p[at++] != 0x12)
            return false;
        size_t entry_end = pkg_end(p, end, &at, d);
        if (!entry_end || at >= entry_end || p[at++] != 4)
            return false;
        for (int k = 0; k < 4; k++)
            if (!integer(p, entry_end, &at, &dev->prt[i][k]))
                return false;
        if (at != entry_end)
            return false;
    }
    return at == end;
}

/* Name(seg, data) inside device dev (NULL at the outer level). */
static bool name_term(const uint8_t *p, size_t end, size_t *at, struct dsdt *d, struct device *dev)
{
    char seg[5];
    if (!name_string(p, end, at, seg) || *at >= end)
        return false;
    uint8_t op = p[(*at)++];
    static const unsigned const_len[] = {[0x0A] = 1, [0x0B] = 2, [0x0C] = 4};
    if (op == 0x00 || op == 0x01)
        return true;
    if (op >= 0x0A && op <= 0x0C) {
        if (*at + const_len[op] > end)
            return false;
        if (dev && !strcmp(seg, "_HID") && op == 0x0C)
            dev->hid = (uint32_t)get(p, *at, 4);
        *at += const_len[op];
        return true;
    }
    if (op != 0x11 && op != 0x12)
        return false;
    size_t body_end = pkg_end(p, end, at, d);
    if (!body_end)
        return false;
    if (op == 0x12)
        d->has_s5 |= !strcmp(seg, "_S5_");
    if (op == 0x12 && dev && !strcmp(seg, "_PRT") && !prt(p, *at, body_end, d, dev))
        return false;
    if (op == 0x11) { /* Buffer: BufferSize, then exactly that many bytes */
        if (*at >= body_end || (p[*at] != 0x0A && p[*at] != 0x0B))
            return false;
        unsigned w = p[*at] == 0x0A ? 1 : 2;
        if (*at + 1 + w > body_end)
            return false;
        size_t n = get(p, *at + 1, w);
        *at += 1 + w;
        if (*at + n != body_end)
            return false;
        if (dev && !strcmp(seg, "_CRS"))
            dev->crs = p + *at, dev->crs_len = n;
    }
    *at = body_end;
    return true;
}

static bool term_list(const uint8_t *p, size_t at, size_t end, struct dsdt *d, struct device *dev, int depth)
{
    while (at < end) {
        uint8_t op = p[at++];
        if (op == 0x08) {
            if (!name_term(p, end, &at, d, dev))
                return false;
            continue;
        }
        bool device = op == 0x5B && at < end && p[at] == 0x82;
        if ((op != 0x10 && !device) || depth > 3)
            return false;
        at += device;
        size_t body_end = pkg_end(p, end, &at, d);
        char seg[5];
        if (!body_end || !name_string(p, body_end, &at, seg))
            return false;
        struct device *inner = dev;
        if (device) {
            if (d->count == MAX_DEVICES)
                return false;
            inner = &d->dev[d->count++];
            memcpy(inner->name, seg, 5);
            inner->prt_count = -1;
        }
        if (!term_list(p, at, body_end, d, inner, depth + 1))
            return false;
        at = body_end;
    }
    return at == end;
}

/* Builds the tables for b and reads their DSDT back; false when they do
 * not parse. */
static bool build_and_read(const struct pacpi_board *b, uint8_t *mem, struct dsdt *d, const uint8_t **aml,
                           size_t *aml_len)
{
    uint64_t rsdp;
    memset(d, 0, sizeof *d);
    if (pacpi_build(mem + BUF_GPA, BUF_GPA, BUF_SIZE, b, &rsdp) <= 0)
        return false;
    const uint8_t *xsdt = mem + get(mem + rsdp, 24, 8);
    const uint8_t *fadt = mem + get(xsdt, 36, 8); /* the FADT is listed first */
    if (memcmp(fadt, "FACP", 4))
        return false;
    const uint8_t *dsdt = mem + get(fadt, 140, 8);
    size_t len = get(dsdt, 4, 4);
    if (memcmp(dsdt, "DSDT", 4) || len < 36 || len > BUF_SIZE || sum(dsdt, len) != 0)
        return false;
    *aml = dsdt + 36, *aml_len = len - 36;
    return term_list(dsdt, 36, len, d, NULL, 0);
}

static const struct device *device_named(const struct dsdt *d, const char *name)
{
    for (unsigned i = 0; i < d->count; i++)
        if (!strcmp(d->dev[i].name, name))
            return &d->dev[i];
    return NULL;
}

/* ---------------------------------------------------- resource templates */

struct resources {
    unsigned count;
    uint16_t io_base[4], io_len[4];
    unsigned io_count;
    uint16_t irq_mask;
    uint16_t bus_min, bus_max;
    unsigned bus_count;
    uint32_t window_min[4], window_max[4];
    unsigned window_count;
};

/* Walks descriptors to the end tag, which must end the buffer. */
static bool read_resources(const uint8_t *r, size_t len, struct resources *out)
{
    memset(out, 0, sizeof *out);
    size_t at = 0;
    while (at < len) {
        uint8_t tag = r[at];
        out->count++;
        if (!(tag & 0x80)) { /* small item: type in bits 6:3, length in 2:0 */
            size_t n = tag & 7;
            if (at + 1 + n > len)
                return false;
            const uint8_t *b = r + at + 1;
            if ((tag >> 3) == 0x0F)
                return n == 1 && at + 2 == len;
            if ((tag >> 3) == 0x08 && n == 7 && out->io_count < 4) {
                if (b[0] != 1 || get(b, 1, 2) != get(b, 3, 2))
                    return false; /* Decode16, one fixed place */
                out->io_base[out->io_count] = (uint16_t)get(b, 1, 2);
                out->io_len[out->io_count++] = b[6];
            } else if ((tag >> 3) == 0x04 && n == 2) {
                out->irq_mask = (uint16_t)get(b, 0, 2);
            } else {
                return false;
            }
            at += 1 + n;
            continue;
        }
        if (at + 3 > len)
            return false;
        size_t n = get(r, at + 1, 2);
        const uint8_t *b = r + at + 3;
        if (at + 3 + n > len || tag != 0x88 || n != 13)
            return false; /* only Word Address Space descriptors here */
        /* type, general flags, type flags, granularity, min, max, translation, length */
        uint16_t min = (uint16_t)get(b, 5, 2), max = (uint16_t)get(b, 7, 2), length = (uint16_t)get(b, 11, 2);
        if ((uint32_t)max - min + 1u != (length ? length : 0x10000u) || get(b, 9, 2) != 0 || (b[1] & 1))
            return false; /* consistent, untranslated, produced by the bridge */
        if (b[0] == 2)
            out->bus_min = min, out->bus_max = max, out->bus_count++;
        else if (b[0] == 1 && out->window_count < 4)
            out->window_min[out->window_count] = min, out->window_max[out->window_count++] = max;
        else
            return false;
        at += 3 + n;
    }
    return false; /* no end tag */
}

/* ------------------------------------------------------------------ tests */

static const struct pacpi_board board = {.cpu_count = 1, .apic_ids = {0}, .has_ioapic = true, .ioapic_id = 2,
                                         .ioapic_addr = 0xFEC00000, .has_com1 = true};
static uint8_t mem[BUF_GPA + BUF_SIZE];

TEST(dsdt_without_pci_declares_no_host_bridge)
{
    struct dsdt d;
    const uint8_t *aml;
    size_t len;
    CHECK(build_and_read(&board, mem, &d, &aml, &len));
    CHECK(d.has_s5);
    CHECK_EQ(d.count, 1);
    CHECK(device_named(&d, "COM1") != NULL);
    CHECK(device_named(&d, "PCI0") == NULL);
    CHECK(memmem(aml, len, "PCI0", 4) == NULL);
    uint8_t a, b;
    CHECK_EQ(acpi_find_s5(aml, len, &a, &b), 0);
    CHECK_EQ(a, PACPI_SLP_TYP_S5);
    CHECK_EQ(b, PACPI_SLP_TYP_S5);
}

TEST(com1_resources)
{
    struct dsdt d;
    const uint8_t *aml;
    size_t len;
    CHECK(build_and_read(&board, mem, &d, &aml, &len));
    const struct device *com1 = device_named(&d, "COM1");
    struct resources r;
    CHECK(com1 && com1->crs);
    if (!com1 || !com1->crs)
        return;
    CHECK_EQ(com1->hid, 0x0105D041); /* EisaId("PNP0501") */
    CHECK(read_resources(com1->crs, com1->crs_len, &r));
    CHECK_EQ(r.io_count, 1);
    CHECK_EQ(r.io_base[0], 0x3F8);
    CHECK_EQ(r.io_len[0], 8);
    CHECK_EQ(r.irq_mask, 1u << 4);
}

TEST(dsdt_with_pci_declares_host_bridge)
{
    struct pacpi_board b = board;
    b.has_pci = true;
    struct dsdt d;
    const uint8_t *aml;
    size_t len;
    CHECK(build_and_read(&b, mem, &d, &aml, &len));
    CHECK(d.has_s5);
    CHECK(d.two_byte_pkglen); /* the bridge's scope is longer than 63 bytes */
    CHECK_EQ(d.count, 2);
    const struct device *pci = device_named(&d, "PCI0");
    CHECK(pci && pci->crs);
    if (!pci || !pci->crs)
        return;
    CHECK_EQ(pci->hid, 0x030AD041); /* EisaId("PNP0A03") */
    struct resources r;
    CHECK(read_resources(pci->crs, pci->crs_len, &r));
    CHECK_EQ(r.bus_count, 1);
    CHECK_EQ(r.bus_min, 0);
    CHECK_EQ(r.bus_max, 0);
    CHECK_EQ(r.io_count, 1); /* the configuration ports, its own */
    CHECK_EQ(r.io_base[0], 0xCF8);
    CHECK_EQ(r.io_len[0], 8);
    /* The windows: every port but 0xCF8-0xCFF, each once. */
    uint32_t covered = 0;
    for (unsigned i = 0; i < r.window_count; i++) {
        CHECK(r.window_max[i] < 0xCF8 || r.window_min[i] > 0xCFF);
        covered += r.window_max[i] - r.window_min[i] + 1;
    }
    CHECK_EQ(r.window_count, 2);
    CHECK_EQ(covered, 0x10000 - 8);
    CHECK(r.window_count == 2 && r.window_max[0] < r.window_min[1]);
    CHECK(device_named(&d, "COM1") != NULL);
    CHECK_EQ(pci->prt_count, -1); /* no wire, no _PRT */
    uint8_t s5a, s5b;
    CHECK_EQ(acpi_find_s5(aml, len, &s5a, &s5b), 0);
}

/* The demo's gpos: the IDE (00:01, INTA) on GSI 15, the NE2000 (00:02,
 * INTA) on GSI 9. */
TEST(host_bridge_routes_intx_to_gsis)
{
    struct pacpi_board b = board;
    b.has_pci = true;
    b.pci_route_count = 3;
    b.pci_routes[0] = (struct pacpi_pci_route){1, 0, 15};
    b.pci_routes[1] = (struct pacpi_pci_route){2, 0, 9};
    b.pci_routes[2] = (struct pacpi_pci_route){31, 3, 300}; /* a word-sized GSI, INTD */
    struct dsdt d;
    const uint8_t *aml;
    size_t len;
    CHECK(build_and_read(&b, mem, &d, &aml, &len));
    const struct device *pci = device_named(&d, "PCI0");
    CHECK(pci != NULL);
    if (!pci)
        return;
    CHECK_EQ(pci->prt_count, 3);
    static const uint32_t want[3][4] = {{0x0001FFFF, 0, 0, 15}, {0x0002FFFF, 0, 0, 9}, {0x001FFFFF, 3, 0, 300}};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 4; k++)
            CHECK_EQ(pci->prt[i][k], want[i][k]);
    struct resources r;
    CHECK(read_resources(pci->crs, pci->crs_len, &r)); /* _CRS still whole beside it */
    CHECK(device_named(&d, "COM1") != NULL);
    CHECK(d.has_s5);
}

TEST(bad_routes_refused)
{
    struct pacpi_board b = board;
    uint64_t rsdp;
    b.has_pci = true;
    b.pci_route_count = 1;
    b.pci_routes[0] = (struct pacpi_pci_route){1, 4, 15}; /* no INTE */
    CHECK(pacpi_build(mem + BUF_GPA, BUF_GPA, BUF_SIZE, &b, &rsdp) < 0);
    b.pci_routes[0] = (struct pacpi_pci_route){32, 0, 15}; /* no device 32 */
    CHECK(pacpi_build(mem + BUF_GPA, BUF_GPA, BUF_SIZE, &b, &rsdp) < 0);
    b.pci_routes[0] = (struct pacpi_pci_route){1, 0, 15};
    b.pci_route_count = PACPI_MAX_PCI_ROUTES + 1;
    CHECK(pacpi_build(mem + BUF_GPA, BUF_GPA, BUF_SIZE, &b, &rsdp) < 0);
    b.pci_route_count = 1;
    b.has_pci = false; /* wires without a bridge */
    CHECK(pacpi_build(mem + BUF_GPA, BUF_GPA, BUF_SIZE, &b, &rsdp) < 0);
    /* The most a board can have still fits the DSDT. */
    b.has_pci = true;
    b.pci_route_count = PACPI_MAX_PCI_ROUTES;
    for (uint32_t i = 0; i < PACPI_MAX_PCI_ROUTES; i++)
        b.pci_routes[i] = (struct pacpi_pci_route){(uint8_t)i, (uint8_t)(i & 3), 0x10000 + i};
    struct dsdt d;
    const uint8_t *aml;
    size_t len;
    CHECK(build_and_read(&b, mem, &d, &aml, &len));
    const struct device *pci = device_named(&d, "PCI0");
    CHECK(pci && pci->prt_count == PACPI_MAX_PCI_ROUTES);
}

TEST(host_bridge_alone)
{
    struct pacpi_board b = board;
    b.has_com1 = false, b.has_pci = true;
    struct dsdt d;
    const uint8_t *aml;
    size_t len;
    CHECK(build_and_read(&b, mem, &d, &aml, &len));
    CHECK_EQ(d.count, 1);
    CHECK(device_named(&d, "PCI0") != NULL);
    b.has_pci = false;
    CHECK(build_and_read(&b, mem, &d, &aml, &len));
    CHECK_EQ(d.count, 0);
    CHECK(d.has_s5);
}

static const void *read_mem(uint64_t pa, size_t len)
{
    return pa < sizeof mem && len <= sizeof mem - pa ? mem + pa : NULL;
}

/* With an ECAM window: an MCFG (PCI Firmware 3.2, 4.1.2) in the XSDT,
 * one allocation, segment 0, buses 0-0, which the hypervisor's own ACPI
 * parser reads back as a 1 MiB window; without one, no MCFG. */
TEST(mcfg_for_an_ecam_window)
{
    struct pacpi_board b = board;
    b.has_pci = true, b.pci_ecam = 0xB0000000;
    uint64_t rsdp;
    memset(mem, 0, sizeof mem);
    CHECK(pacpi_build(mem + BUF_GPA, BUF_GPA, BUF_SIZE, &b, &rsdp) > 0);
    struct acpi_info info;
    CHECK_EQ(acpi_parse(rsdp, read_mem, &info), 0);
    CHECK_EQ(info.ecam_count, 1);
    CHECK_EQ(info.ecam[0].base, 0xB0000000);
    CHECK_EQ(info.ecam[0].size, 0x100000);
    bool found = false;
    for (uint32_t i = 0; i < info.table_count; i++)
        if (!strcmp(info.table_sigs[i], "MCFG")) {
            const uint8_t *t = mem + info.table_pa[i];
            found = true;
            CHECK_EQ(get(t, 4, 4), 60);         /* header, 8 reserved bytes, one allocation */
            CHECK_EQ(sum(t, 60), 0);
            CHECK_EQ(get(t, 36, 8), 0);         /* reserved */
            CHECK_EQ(get(t, 44, 8), 0xB0000000); /* base */
            CHECK_EQ(get(t, 52, 2), 0);         /* segment */
            CHECK_EQ(t[54], 0);                 /* start bus */
            CHECK_EQ(t[55], 0);                 /* end bus */
        }
    CHECK(found);
    b.pci_ecam = 0;
    CHECK(pacpi_build(mem + BUF_GPA, BUF_GPA, BUF_SIZE, &b, &rsdp) > 0);
    CHECK_EQ(acpi_parse(rsdp, read_mem, &info), 0);
    CHECK_EQ(info.ecam_count, 0);
    b.pci_ecam = 0xB0080000; /* not a bus's start */
    CHECK(pacpi_build(mem + BUF_GPA, BUF_GPA, BUF_SIZE, &b, &rsdp) < 0);
}

/* The reader itself rejects what it must: a PkgLength past its parent's
 * end, and a resource template without its end tag. */
TEST(reader_rejects_broken_aml)
{
    struct dsdt d = {0};
    static const uint8_t scope_too_long[] = {0x10, 0x0A, '\\', '_', 'S', 'B', '_'};
    CHECK(!term_list(scope_too_long, 0, sizeof scope_too_long, &d, NULL, 0));
    static const uint8_t scope_ok[] = {0x10, 0x06, '\\', '_', 'S', 'B', '_'};
    CHECK(term_list(scope_ok, 0, sizeof scope_ok, &d, NULL, 0));
    struct resources r;
    static const uint8_t no_end[] = {0x47, 0x01, 0xF8, 0x03, 0xF8, 0x03, 0x01, 0x08};
    CHECK(!read_resources(no_end, sizeof no_end, &r));
    static const uint8_t with_end[] = {0x47, 0x01, 0xF8, 0x03, 0xF8, 0x03, 0x01, 0x08, 0x79, 0x00};
    CHECK(read_resources(with_end, sizeof with_end, &r));
}
