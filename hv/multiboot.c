/* Multiboot-1 boot information parser (hv/multiboot.h).
 * Layouts from the Multiboot Specification 0.6.96, section 3.3. Every
 * loader structure is read through the caller's phys_reader_fn, field by
 * field, so nothing is assumed about alignment or what lies beyond it. */
#include "hv/multiboot.h"
#include "hv/string.h"

/* Flag bits of the info structure, and the fields they make valid. */
#define MBI_F_MEM (1u << 0)
#define MBI_F_CMDLINE (1u << 2)
#define MBI_F_MODS (1u << 3)
#define MBI_F_MMAP (1u << 6)
#define MBI_F_LOADER (1u << 9)

/* Byte offsets in the info structure. */
#define MBI_FLAGS 0
#define MBI_MEM_LOWER 4
#define MBI_MEM_UPPER 8
#define MBI_CMDLINE 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR 48
#define MBI_LOADER_NAME 64

/* A module entry is mod_start, mod_end, string, reserved. */
#define MOD_ENTRY_SIZE 16
/* An mmap entry is size (u32, excluding itself), base (u64), len (u64),
 * type (u32); the next entry starts size + 4 bytes later. */
#define MMAP_ENTRY_MIN 20

/* Upper bound on the bytes scanned in one string without finding its end,
 * so a missing terminator cannot make the parser walk all of memory. */
#define STRING_SCAN_MAX 4096

static int read_bytes(phys_reader_fn read, uint64_t pa, void *dst, size_t len)
{
    const void *p = read(pa, len);
    if (!p)
        return -E_RANGE;
    memcpy(dst, p, len);
    return E_OK;
}

static int read_u32(phys_reader_fn read, uint64_t pa, uint32_t *v)
{
    return read_bytes(read, pa, v, sizeof *v);
}

/* Reads the character at pa + i, or '\0' once the scan limit is hit. */
static int read_char(phys_reader_fn read, uint64_t pa, size_t i, char *c)
{
    if (i >= STRING_SCAN_MAX) {
        *c = '\0';
        return E_OK;
    }
    return read_bytes(read, pa + i, c, 1);
}

/* Copies the string at pa into dst, truncated and terminated. A null
 * pointer reads as the empty string. */
static int read_string(phys_reader_fn read, uint64_t pa, char *dst, size_t size)
{
    size_t i = 0;
    dst[0] = '\0';
    if (pa == 0)
        return E_OK;
    for (; i + 1 < size; i++) {
        int err = read_char(read, pa, i, &dst[i]);
        if (err)
            return err;
        if (!dst[i])
            return E_OK;
    }
    dst[i] = '\0';
    return E_OK;
}

/* Splits "PATH/NAME ARGS" into name = NAME and args = ARGS while
 * streaming the string, so overlong parts are truncated, not rejected. */
static int read_module_string(phys_reader_fn read, uint64_t pa, struct boot_module *m)
{
    size_t i = 0, n = 0, a = 0;
    char c = ' ';
    int err = E_OK;

    if (pa == 0)
        return E_OK;
    while (!err && c == ' ') /* leading spaces */
        err = read_char(read, pa, i++, &c);
    for (; !err && c && c != ' '; err = read_char(read, pa, i++, &c)) {
        if (c == '/')
            n = 0; /* keep only the basename */
        else if (n + 1 < sizeof m->name)
            m->name[n++] = c;
    }
    while (!err && c == ' ')
        err = read_char(read, pa, i++, &c);
    for (; !err && c && a + 1 < sizeof m->args; err = read_char(read, pa, i++, &c))
        m->args[a++] = c;
    m->name[n] = '\0';
    m->args[a] = '\0';
    return err;
}

static int parse_modules(phys_reader_fn read, uint64_t mbi_pa, struct boot_info *out)
{
    uint32_t count, addr;
    int err = read_u32(read, mbi_pa + MBI_MODS_COUNT, &count);
    if (!err)
        err = read_u32(read, mbi_pa + MBI_MODS_ADDR, &addr);
    if (err)
        return err;
    if (count > BOOT_MAX_MODULES)
        return -E_NOMEM;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t e[3]; /* mod_start, mod_end, string */
        struct boot_module *m = &out->modules[i];
        err = read_bytes(read, (uint64_t)addr + (uint64_t)i * MOD_ENTRY_SIZE, e, sizeof e);
        if (err)
            return err;
        if (e[1] < e[0])
            return -E_INVAL;
        m->start = e[0];
        m->end = e[1];
        err = read_module_string(read, e[2], m);
        if (err)
            return err;
        out->module_count = i + 1;
    }
    return E_OK;
}

static int parse_mmap_entry(phys_reader_fn read, uint64_t pa, struct mem_range *r)
{
    uint8_t e[MMAP_ENTRY_MIN]; /* base, len, type: unaligned in memory */
    int err = read_bytes(read, pa, e, sizeof e);
    if (err)
        return err;
    memcpy(&r->base, e, 8);
    memcpy(&r->len, e + 8, 8);
    memcpy(&r->type, e + 16, 4);
    return E_OK;
}

static int parse_mmap(phys_reader_fn read, uint64_t mbi_pa, struct boot_info *out)
{
    uint32_t length, addr, size;
    int err = read_u32(read, mbi_pa + MBI_MMAP_LENGTH, &length);
    if (!err)
        err = read_u32(read, mbi_pa + MBI_MMAP_ADDR, &addr);
    /* off is 64-bit: off + 4 + size cannot wrap. */
    for (uint64_t off = 0; !err && off < length; off += 4 + (uint64_t)size) {
        err = read_u32(read, (uint64_t)addr + off, &size);
        if (err)
            return err;
        if (size < MMAP_ENTRY_MIN || off + 4 + size > length)
            return -E_INVAL;
        if (out->mmap_count == BOOT_MAX_MMAP)
            return -E_NOMEM;
        err = parse_mmap_entry(read, (uint64_t)addr + off + 4, &out->mmap[out->mmap_count]);
        if (!err)
            out->mmap_count++;
    }
    return err;
}

static int parse_mem(phys_reader_fn read, uint64_t mbi_pa, struct boot_info *out)
{
    uint32_t lower, upper;
    int err = read_u32(read, mbi_pa + MBI_MEM_LOWER, &lower);
    if (!err)
        err = read_u32(read, mbi_pa + MBI_MEM_UPPER, &upper);
    if (!err) {
        out->mem_lower_kb = lower;
        out->mem_upper_kb = upper;
    }
    return err;
}

/* Reads the 32-bit string pointer at mbi_pa + field into dst. */
static int parse_string_field(phys_reader_fn read, uint64_t mbi_pa, unsigned field, char *dst,
                              size_t size)
{
    uint32_t pa;
    int err = read_u32(read, mbi_pa + field, &pa);
    return err ? err : read_string(read, pa, dst, size);
}

int multiboot_parse(uint32_t magic, uint64_t mbi_pa, phys_reader_fn read, struct boot_info *out)
{
    uint32_t flags;
    int err;

    memset(out, 0, sizeof *out);
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
        return -E_INVAL;
    err = read_u32(read, mbi_pa + MBI_FLAGS, &flags);
    if (!err && (flags & MBI_F_MEM))
        err = parse_mem(read, mbi_pa, out);
    if (!err && (flags & MBI_F_CMDLINE))
        err = parse_string_field(read, mbi_pa, MBI_CMDLINE, out->cmdline, sizeof out->cmdline);
    if (!err && (flags & MBI_F_MODS))
        err = parse_modules(read, mbi_pa, out);
    if (!err && (flags & MBI_F_MMAP))
        err = parse_mmap(read, mbi_pa, out);
    if (!err && (flags & MBI_F_LOADER))
        err = parse_string_field(read, mbi_pa, MBI_LOADER_NAME, out->loader_name,
                                 sizeof out->loader_name);
    return err;
}

uint64_t boot_usable_bytes(const struct boot_info *bi)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < bi->mmap_count && i < BOOT_MAX_MMAP; i++) {
        if (bi->mmap[i].type != MEM_USABLE)
            continue;
        /* Saturate: a bogus map must not wrap to a small total. */
        sum = bi->mmap[i].len > UINT64_MAX - sum ? UINT64_MAX : sum + bi->mmap[i].len;
    }
    return sum;
}

const char *mem_type_name(uint32_t type)
{
    switch (type) {
    case MEM_USABLE: return "usable";
    case MEM_RESERVED: return "reserved";
    case MEM_ACPI_RECLAIM: return "ACPI reclaimable";
    case MEM_ACPI_NVS: return "ACPI NVS";
    case MEM_BAD: return "bad";
    default: return "unknown";
    }
}
