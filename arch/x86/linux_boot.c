/* The Linux 64-bit boot protocol for partitions (arch/x86/linux_boot.h).
 * Offsets into struct boot_params are the boot protocol's ("BP"). */
#include "arch/x86/linux_boot.h"

#include "hv/bytes.h"
#include "hv/fmt.h"
#include "hv/loader_internal.h"
#include "hv/string.h"

#define BP_ACPI_RSDP 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0C0
#define BP_EXT_RAMDISK_SIZE 0x0C4
#define BP_EXT_CMD_LINE_PTR 0x0C8
#define BP_E820_ENTRIES 0x1E8
#define BP_BOOT_FLAG 0x1FE
#define BP_HEADER 0x202
#define BP_VERSION 0x206
#define BP_TYPE_OF_LOADER 0x210
#define BP_LOADFLAGS 0x211
#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21C
#define BP_CMD_LINE_PTR 0x228
#define BP_INITRD_ADDR_MAX 0x22C
#define BP_CMDLINE_SIZE 0x238
#define BP_E820_TABLE 0x2D0
#define BP_E820_MAX 128

#define PROTOCOL_VERSION 0x020F /* 2.15: acpi_rsdp_addr is read */
#define LOADER_UNDEFINED 0xFF   /* type_of_loader: not an assigned boot loader id */
#define LOADED_HIGH 0x01
#define INITRD_LIMIT GiB(2)     /* initrd_addr_max 0x7FFFFFFF */

#define E820_RAM 1
#define E820_RESERVED 2
#define LOW_RESERVED_END 0xA000ull /* boot_params, command line, page tables */
#define HOLE_START 0xA0000ull
#define HOLE_END 0x100000ull
#define ECAM_BUS_BYTES 0x100000ull /* PCI Express Base 7.2.2: 1 MiB per bus */

#define PT_NOTE 4
#define XEN_ELFNOTE_GUEST_OS 6

/* One ELF note at off within [off, end): true if it marks Linux. *next is
 * where the following note starts (0 when malformed). */
static bool note_is_linux(const uint8_t *img, uint64_t off, uint64_t end, uint64_t *next)
{
    *next = 0;
    if (end - off < 12)
        return false;
    uint64_t namesz = le_get(img, off, 4), descsz = le_get(img, off + 4, 4), type = le_get(img, off + 8, 4);
    uint64_t name = off + 12, desc = name + ALIGN_UP(namesz, 4);
    if (namesz > end - name || ALIGN_UP(namesz, 4) > end - name || descsz > end - desc)
        return false;
    *next = desc + ALIGN_UP(descsz, 4);
    if (*next > end)
        *next = end;
    if (namesz == 6 && memcmp(img + name, "Linux", 6) == 0)
        return true;
    return namesz == 4 && memcmp(img + name, "Xen", 4) == 0 && type == XEN_ELFNOTE_GUEST_OS && descsz >= 6 &&
           memcmp(img + desc, "linux", 6) == 0;
}

bool linux_boot_is_linux(const void *image, uint64_t size)
{
    const uint8_t *img = image;
    if (!img || size < 64 || memcmp(img, "\177ELF", 4) != 0 || img[4] != 2 || le_get(img, 18, 2) != 62)
        return false;
    uint64_t phoff = le_get(img, 32, 8), phentsize = le_get(img, 54, 2), phnum = le_get(img, 56, 2);
    if (phentsize < 56 || phoff > size || phnum * phentsize > size - phoff)
        return false;
    for (uint64_t i = 0; i < phnum; i++) {
        uint64_t ph = phoff + i * phentsize;
        uint64_t off = le_get(img, ph + 8, 8), len = le_get(img, ph + 32, 8);
        if (le_get(img, ph, 4) != PT_NOTE || off > size || len > size - off)
            continue;
        for (uint64_t at = off, next; at < off + len; at = next) {
            if (note_is_linux(img, at, off + len, &next))
                return true;
            if (!next)
                break;
        }
    }
    return false;
}

/* ------------------------------------------------------------ e820 map */

struct e820 {
    uint32_t n;
    uint64_t base[BP_E820_MAX], len[BP_E820_MAX];
    uint32_t type[BP_E820_MAX];
};

static void e820_add(struct e820 *m, uint64_t base, uint64_t end, uint32_t type)
{
    if (end > base && m->n < BP_E820_MAX) {
        m->base[m->n] = base;
        m->len[m->n] = end - base;
        m->type[m->n++] = type;
    }
}

/* RAM regions as usable, minus the boot area and the legacy hole (which
 * appear reserved); sorted by base as the regions are. */
static void build_e820(const struct guest_ram *ram, struct e820 *m)
{
    static const uint64_t rsv[2][2] = {{LINUX_BOOT_PARAMS, LOW_RESERVED_END}, {HOLE_START, HOLE_END}};
    m->n = 0;
    for (uint32_t i = 0; i < ram->count && i < GUEST_RAM_MAX_REGIONS; i++) {
        uint64_t b = ram->r[i].guest, e = b + ram->r[i].size;
        for (int k = 0; k < 2; k++) {
            if (rsv[k][1] <= b || rsv[k][0] >= e)
                continue;
            e820_add(m, b, rsv[k][0], E820_RAM);
            e820_add(m, MAX(b, rsv[k][0]), MIN(e, rsv[k][1]), E820_RESERVED);
            b = MIN(e, rsv[k][1]);
        }
        e820_add(m, b, e, E820_RAM);
    }
}

static void put_e820(uint8_t *bp, const struct e820 *m)
{
    for (uint32_t i = 0; i < m->n; i++) {
        le_put(bp, BP_E820_TABLE + i * 20, m->base[i], 8);
        le_put(bp, BP_E820_TABLE + i * 20 + 8, m->len[i], 8);
        le_put(bp, BP_E820_TABLE + i * 20 + 16, m->type[i], 4);
    }
    bp[BP_E820_ENTRIES] = (uint8_t)m->n;
}

/* ------------------------------------------------------------ loading */

/* Highest page-aligned spot for the initrd in one region, below 2 GiB
 * and above the kernel. */
static int place_initrd(struct ld *l, uint64_t size, uint64_t *at)
{
    bool found = false;
    for (uint32_t i = 0; i < l->ram->count && i < GUEST_RAM_MAX_REGIONS; i++) {
        const struct guest_ram_region *r = &l->ram->r[i];
        uint64_t top = MIN(r->guest + r->size, INITRD_LIMIT);
        if (top < size || top - size < MAX(r->guest, l->kend))
            continue;
        uint64_t a = ALIGN_DOWN(top - size, PAGE_SIZE);
        if (a >= MAX(r->guest, ALIGN_UP(l->kend, PAGE_SIZE)) && (!found || a > *at)) {
            *at = a;
            found = true;
        }
    }
    if (!found)
        return ld_fail(l, E_NOMEM, "initrd (0x%llx bytes) does not fit in the RAM between the kernel's end 0x%llx "
                                   "and 2 GiB", (unsigned long long)size, (unsigned long long)l->kend);
    return E_OK;
}

static int load_initrd(struct ld *l, uint8_t *bp, const void *initrd, uint64_t size)
{
    uint64_t at = 0;
    if (!size)
        return E_OK;
    int err = place_initrd(l, size, &at);
    if (err)
        return err;
    memcpy(guest_ram_ptr(l->ram, at, size), initrd, size);
    le_put(bp, BP_RAMDISK_IMAGE, (uint32_t)at, 4);
    le_put(bp, BP_RAMDISK_SIZE, (uint32_t)size, 4);
    le_put(bp, BP_EXT_RAMDISK_IMAGE, at >> 32, 4);
    le_put(bp, BP_EXT_RAMDISK_SIZE, size >> 32, 4);
    return E_OK;
}

static int write_cmdline(struct ld *l, uint8_t *bp, const char *cmdline)
{
    size_t n = cmdline ? strlen(cmdline) : 0;
    if (n >= LINUX_CMDLINE_MAX)
        return ld_fail(l, E_RANGE, "command line of %llu bytes, at most %u", (unsigned long long)n,
                       LINUX_CMDLINE_MAX - 1);
    char *dst = guest_ram_ptr(l->ram, LINUX_CMDLINE, LINUX_CMDLINE_MAX);
    memset(dst, 0, LINUX_CMDLINE_MAX);
    if (n)
        memcpy(dst, cmdline, n);
    le_put(bp, BP_CMD_LINE_PTR, LINUX_CMDLINE, 4);
    le_put(bp, BP_EXT_CMD_LINE_PTR, 0, 4);
    le_put(bp, BP_CMDLINE_SIZE, LINUX_CMDLINE_MAX - 1, 4);
    return E_OK;
}

/* The setup header a boot loader fills in (BP "Details of header
 * fields"): we are a loader of protocol 2.15 with the kernel loaded high. */
static void write_setup_header(uint8_t *bp)
{
    le_put(bp, BP_BOOT_FLAG, 0xAA55, 2);
    memcpy(bp + BP_HEADER, "HdrS", 4);
    le_put(bp, BP_VERSION, PROTOCOL_VERSION, 2);
    bp[BP_TYPE_OF_LOADER] = LOADER_UNDEFINED;
    bp[BP_LOADFLAGS] = LOADED_HIGH;
    le_put(bp, BP_INITRD_ADDR_MAX, INITRD_LIMIT - 1, 4);
}

static int write_acpi(struct ld *l, uint8_t *bp, const struct pacpi_board *board)
{
    uint8_t *acpi = guest_ram_ptr(l->ram, LINUX_ACPI, LINUX_ACPI_SIZE);
    uint64_t rsdp;
    if (!acpi)
        return ld_fail(l, E_RANGE, "no guest RAM at [0x%x, 0x%x) for the ACPI tables", LINUX_ACPI,
                       LINUX_ACPI + LINUX_ACPI_SIZE);
    if (pacpi_build(acpi, LINUX_ACPI, LINUX_ACPI_SIZE, board, &rsdp) < 0)
        return ld_fail(l, E_INVAL, "cannot build the partition's ACPI tables (%u CPUs)", board->cpu_count);
    le_put(bp, BP_ACPI_RSDP, rsdp, 8);
    return E_OK;
}

int linux_boot_load(const void *image, uint64_t size, const struct guest_ram *ram, const struct pacpi_board *board,
                    const char *cmdline, const void *initrd, uint64_t initrd_size, struct guest_entry *entry,
                    char *err, size_t errlen)
{
    struct ld l = {.img = image, .size = size, .ram = ram, .err = err, .errlen = errlen, .limit = UINT64_MAX};
    struct guest_entry e = {.mode = GUEST_ENTRY_LONG64};
    uint64_t pt = 0;
    if (err && errlen)
        err[0] = '\0';
    if (!image || !ram || !board || !entry || (initrd_size && !initrd))
        return ld_fail(&l, E_INVAL, "Linux loader called without an image, RAM, board or entry");
    uint8_t *bp = guest_ram_ptr(ram, LINUX_BOOT_PARAMS, PAGE_SIZE);
    if (!bp || !guest_ram_ptr(ram, LINUX_CMDLINE, LINUX_CMDLINE_MAX) ||
        !guest_ram_ptr(ram, LINUX_TABLES, PT_BYTES))
        return ld_fail(&l, E_RANGE, "no guest RAM at [0x%x, 0x%llx) for the boot structures", LINUX_BOOT_PARAMS,
                       LOW_RESERVED_END);
    memset(bp, 0, PAGE_SIZE);
    int rc = ld_load_elf(&l, false, &e.rip);
    if (!rc && e.rip >= LIMIT_4G)
        rc = ld_fail(&l, E_RANGE, "entry point 0x%llx above the 4 GiB identity map", (unsigned long long)e.rip);
    if (!rc)
        rc = load_initrd(&l, bp, initrd, initrd_size);
    if (!rc)
        rc = write_cmdline(&l, bp, cmdline);
    if (!rc)
        rc = write_acpi(&l, bp, board);
    if (!rc)
        rc = ld_build_long_mode(&l, LINUX_TABLES, true, &e, &pt);
    if (!rc && pt != LINUX_TABLES)
        rc = ld_fail(&l, E_RANGE, "page tables landed at 0x%llx, not 0x%x", (unsigned long long)pt, LINUX_TABLES);
    if (rc)
        return rc;
    write_setup_header(bp);
    struct e820 m;
    build_e820(ram, &m);
    /* Linux uses an MCFG window only where the firmware reserved it
     * (arch/x86/pci/mmconfig-shared.c, pci_mmcfg_check_reserved). */
    if (board->pci_ecam)
        e820_add(&m, board->pci_ecam, board->pci_ecam + ECAM_BUS_BYTES, E820_RESERVED);
    put_e820(bp, &m);
    e.rsi = LINUX_BOOT_PARAMS;
    *entry = e;
    return E_OK;
}
