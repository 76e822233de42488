/* Kernel loader for partitions (hv/loader.h): multiboot-1 kernels (Multiboot
 * Specification 0.6.96, cited "MB") and x86-64 ELF executables, with the
 * multiboot info built in guest RAM.
 *
 * Guest-physical layout chosen here:
 *   0x1000-0x8fff  multiboot info (MB 3.3): info at 0x1000, loader name at
 *                  0x1080, memory map at 0x1100, module list at 0x1400,
 *                  command line and module strings from 0x1480
 *   kernel         where its headers say (a.out kludge or ELF p_paddr)
 *   modules        page aligned, from the first page above the kernel's
 *                  highest byte (bss included), each in one RAM region,
 *                  below 4 GiB (mod_start is 32 bits)
 *   ELF64 only     7 pages above the modules: PML4, PDPT, 4 page
 *                  directories mapping 0-4 GiB with 2 MiB pages, and a GDT
 *                  page; shown reserved in the guest's memory map.
 * Nothing is loaded into the legacy hole 0xA0000-0xFFFFF, which the memory
 * map shows reserved even where a RAM region covers it, nor (kernel
 * segments) into the info area.
 *
 * A multiboot header decides the entry mode: an ELF64 file with one is a
 * multiboot kernel entered in protected mode, as GRUB does. An ELF entry
 * point that is a virtual address is translated through its segment's
 * p_paddr. Every length and address from the image is checked against the
 * image size and the guest RAM before use, in 64-bit arithmetic that cannot
 * wrap. On failure guest RAM may hold part of what was being loaded. */
#include "hv/loader.h"
#include "hv/loader_internal.h"
#include "hv/bytes.h"
#include "hv/fmt.h"
#include "hv/string.h"

#define MB_HEADER_MAGIC 0x1BADB002u
#define MB_BOOT_MAGIC 0x2BADB002u
#define MB_SEARCH 8192u /* MB 3.1.1: header within the first 8 KiB */
/* MB 3.1.2: bits 0-15 are requirements; 0-2 (page-aligned modules, memory
 * info, video) are known, the video request being ignored. */
#define MB_F_UNKNOWN_REQUIRED 0xfff8u
#define MB_F_AOUT (1u << 16) /* MB 3.1.3: address fields valid */

/* MB 3.3 info flags: mem, mods, mmap, boot_loader_name; cmdline if given. */
#define MBI_F_ALWAYS ((1u << 0) | (1u << 3) | (1u << 6) | (1u << 9))
#define MBI_F_CMDLINE (1u << 2)

#define AREA 0x1000u
#define AREA_END 0x9000u
#define AREA_NAME 0x1080u
#define AREA_MMAP 0x1100u
#define AREA_MODS 0x1400u
#define AREA_STRINGS 0x1480u

#define HOLE_START 0xA0000ull
#define HOLE_END 0x100000ull

#define MMAP_TYPE_USABLE 1u
#define MMAP_TYPE_RESERVED 2u
#define MMAP_MAX (GUEST_RAM_MAX_REGIONS * 3 + 2)

#define U(x) ((unsigned long long)(x))

struct seg {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

struct elf {
    bool is64;
    uint64_t entry, phoff;
    uint32_t phentsize, phnum;
};

struct PACKED mm_entry { /* MB 3.3 mmap entry after its size field */
    uint64_t base, len;
    uint32_t type;
};

struct mmap {
    uint32_t n;
    struct mm_entry e[MMAP_MAX];
};

int ld_fail(struct ld *l, int code, const char *fmt, ...)
{
    if (l->err && l->errlen) {
        va_list ap;
        va_start(ap, fmt);
        fmt_vsnprintf(l->err, l->errlen, fmt, ap);
        va_end(ap);
    }
    return -code;
}

static uint64_t rd(const struct ld *l, uint64_t off, unsigned n) { return le_get(l->img, off, n); }

static bool in_image(const struct ld *l, uint64_t off, uint64_t len)
{
    return off <= l->size && len <= l->size - off;
}

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
    return a < b_end && b < a_end;
}

void *guest_ram_ptr(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
    if (!ram)
        return NULL;
    len = len ? len : 1;
    for (uint32_t i = 0; i < ram->count && i < GUEST_RAM_MAX_REGIONS; i++) {
        const struct guest_ram_region *r = &ram->r[i];
        if (r->host && gpa >= r->guest && gpa - r->guest < r->size && len <= r->size - (gpa - r->guest)) {
            /* Bounds check bypass (Spectre v1): the hypervisor maps all
             * RAM, so a guest address must not be used before the check
             * above has retired, even speculatively. */
            __asm__ __volatile__("lfence" ::: "memory");
            return r->host + (gpa - r->guest);
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ kernel */

/* Copies filesz bytes of the image at off to gpa, zeroes the rest up to
 * memsz (the bss), and records the kernel's end. */
static int load_segment(struct ld *l, uint64_t gpa, uint64_t off, uint64_t filesz, uint64_t memsz)
{
    if (filesz > memsz)
        return ld_fail(l, E_INVAL, "segment at 0x%llx: file size 0x%llx exceeds memory size 0x%llx", U(gpa),
                    U(filesz), U(memsz));
    if (!in_image(l, off, filesz))
        return ld_fail(l, E_RANGE, "segment at 0x%llx: file bytes [0x%llx, +0x%llx) beyond the image (0x%llx bytes)",
                    U(gpa), U(off), U(filesz), U(l->size));
    if (memsz == 0)
        return E_OK;
    if (gpa > l->limit || memsz > l->limit - gpa)
        return ld_fail(l, E_RANGE, "segment at 0x%llx size 0x%llx ends beyond 0x%llx", U(gpa), U(memsz),
                    U(l->limit));
    uint64_t end = gpa + memsz;
    if (overlaps(gpa, end, AREA, AREA_END))
        return ld_fail(l, E_EXIST, "segment [0x%llx, 0x%llx) overlaps the multiboot info [0x1000, 0x9000)", U(gpa),
                    U(end));
    if (overlaps(gpa, end, HOLE_START, HOLE_END))
        return ld_fail(l, E_RANGE, "segment [0x%llx, 0x%llx) overlaps the legacy hole [0xa0000, 0x100000)", U(gpa),
                    U(end));
    uint8_t *dst = guest_ram_ptr(l->ram, gpa, memsz);
    if (!dst)
        return ld_fail(l, E_RANGE, "segment [0x%llx, 0x%llx) outside the partition's RAM", U(gpa), U(end));
    memcpy(dst, l->img + off, filesz);
    memset(dst + filesz, 0, memsz - filesz);
    l->kend = MAX(l->kend, end);
    return E_OK;
}

/* MB 3.1.1-3.1.2: the first 4-byte aligned magic whose checksum makes
 * magic + flags + checksum zero. -E_NOENT (no message) when there is no
 * magic at all, so the caller can try ELF64. */
static int find_mb_header(struct ld *l, uint64_t *hdr)
{
    uint64_t span = MIN(l->size, (uint64_t)MB_SEARCH), bad = UINT64_MAX;
    for (uint64_t off = 0; off + 12 <= span; off += 4) {
        if (rd(l, off, 4) != MB_HEADER_MAGIC)
            continue;
        if ((uint32_t)(rd(l, off, 4) + rd(l, off + 4, 4) + rd(l, off + 8, 4)) == 0) {
            *hdr = off;
            return E_OK;
        }
        bad = MIN(bad, off);
    }
    if (bad != UINT64_MAX)
        return ld_fail(l, E_CHECKSUM, "multiboot header at offset 0x%llx: bad checksum", U(bad));
    return -E_NOENT;
}

/* MB 3.1.3: the a.out kludge. header_addr is where the header lands, so
 * the file offset of load_addr is hdr - (header_addr - load_addr). */
static int load_aout(struct ld *l, uint64_t hdr, uint64_t *entry)
{
    if (hdr + 32 > MIN(l->size, (uint64_t)MB_SEARCH))
        return ld_fail(l, E_INVAL, "multiboot header at offset 0x%llx: address fields truncated", U(hdr));
    uint64_t header_addr = rd(l, hdr + 12, 4), load = rd(l, hdr + 16, 4), load_end = rd(l, hdr + 20, 4);
    uint64_t bss_end = rd(l, hdr + 24, 4), start = rd(l, hdr + 28, 4);
    if (load > header_addr || header_addr - load > hdr)
        return ld_fail(l, E_RANGE, "a.out kludge: load_addr 0x%llx, header_addr 0x%llx: file offset before the image",
                    U(load), U(header_addr));
    uint64_t off = hdr - (header_addr - load);
    if (load_end && load_end < load)
        return ld_fail(l, E_INVAL, "a.out kludge: load_end_addr 0x%llx below load_addr 0x%llx", U(load_end), U(load));
    uint64_t filesz = load_end ? load_end - load : l->size - off;
    if (bss_end && bss_end < load + filesz)
        return ld_fail(l, E_INVAL, "a.out kludge: bss_end_addr 0x%llx below the loaded end 0x%llx", U(bss_end),
                    U(load + filesz));
    int err = load_segment(l, load, off, filesz, bss_end ? bss_end - load : filesz);
    if (err)
        return err;
    if (start < load || start >= l->kend)
        return ld_fail(l, E_RANGE, "a.out kludge: entry_addr 0x%llx outside the loaded [0x%llx, 0x%llx)", U(start),
                    U(load), U(l->kend));
    *entry = start;
    return E_OK;
}

/* ELF header (System V ABI gABI, ELF-32 / ELF-64 object file formats):
 * a little-endian executable for i386 (ELF32) or x86-64 (ELF64). */
static int elf_header(struct ld *l, bool allow32, struct elf *e)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    if (l->size < 64 || memcmp(l->img, magic, 4) != 0 || l->img[5] != 1 ||
        (l->img[4] != 2 && !(allow32 && l->img[4] == 1)))
        return ld_fail(l, E_INVAL, allow32 ? "multiboot kernel without a.out kludge is not a little-endian ELF"
                                        : "no multiboot header or ELF64 image");
    e->is64 = l->img[4] == 2;
    uint64_t type = rd(l, 16, 2), machine = rd(l, 18, 2);
    if (type != 2 || machine != (e->is64 ? 62u : 3u))
        return ld_fail(l, E_INVAL, "ELF%d image is not an %s executable (type %llu, machine %llu)", e->is64 ? 64 : 32,
                    e->is64 ? "x86-64" : "i386", U(type), U(machine));
    e->entry = rd(l, 24, e->is64 ? 8 : 4);
    e->phoff = rd(l, e->is64 ? 32 : 28, e->is64 ? 8 : 4);
    e->phentsize = (uint32_t)rd(l, e->is64 ? 54 : 42, 2);
    e->phnum = (uint32_t)rd(l, e->is64 ? 56 : 44, 2);
    if (e->phentsize < (e->is64 ? 56u : 32u) || !in_image(l, e->phoff, (uint64_t)e->phnum * e->phentsize))
        return ld_fail(l, E_RANGE, "ELF program headers [0x%llx, +%u x %u) beyond the image (0x%llx bytes)",
                    U(e->phoff), e->phnum, e->phentsize, U(l->size));
    return E_OK;
}

static void elf_phdr(const struct ld *l, const struct elf *e, uint32_t i, struct seg *s)
{
    uint64_t p = e->phoff + (uint64_t)i * e->phentsize;
    unsigned w = e->is64 ? 8 : 4;
    s->type = (uint32_t)rd(l, p, 4);
    /* ELF64 puts p_flags after p_type; ELF32 puts it after p_memsz. */
    p += e->is64 ? 8 : 4;
    s->offset = rd(l, p, w);
    s->vaddr = rd(l, p + w, w);
    s->paddr = rd(l, p + 2 * w, w);
    s->filesz = rd(l, p + 3 * w, w);
    s->memsz = rd(l, p + 4 * w, w);
}

/* The entry as a physical address: e_entry when a segment holds it at its
 * p_paddr, else translated through the segment whose p_vaddr range holds
 * it (kernels linked high but loaded low, as GRUB does). */
static int elf_entry(struct ld *l, const struct elf *e, uint64_t *entry)
{
    struct seg s;
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < e->phnum; i++) {
            elf_phdr(l, e, i, &s);
            uint64_t base = pass ? s.vaddr : s.paddr;
            if (s.type == 1 && e->entry >= base && e->entry - base < s.memsz) {
                *entry = e->entry - base + s.paddr;
                return E_OK;
            }
        }
    }
    return ld_fail(l, E_RANGE, "ELF entry point 0x%llx is not inside a loaded segment", U(e->entry));
}

int ld_load_elf(struct ld *l, bool allow32, uint64_t *entry)
{
    struct elf e;
    struct seg s;
    int err = elf_header(l, allow32, &e);
    for (uint32_t i = 0; !err && i < e.phnum; i++) {
        elf_phdr(l, &e, i, &s);
        if (s.type == 1) /* PT_LOAD */
            err = load_segment(l, s.paddr, s.offset, s.filesz, s.memsz);
    }
    if (!err && l->kend == 0)
        return ld_fail(l, E_INVAL, "ELF image has no loadable segment");
    return err ? err : elf_entry(l, &e, entry);
}

static int load_multiboot(struct ld *l, uint64_t hdr, uint64_t *entry)
{
    uint32_t flags = (uint32_t)rd(l, hdr + 4, 4);
    if (flags & MB_F_UNKNOWN_REQUIRED)
        return ld_fail(l, E_NOTSUP, "multiboot header at offset 0x%llx requires unsupported features (flags 0x%x)",
                    U(hdr), flags);
    l->limit = LIMIT_4G; /* 32-bit protected mode, paging off */
    if (flags & MB_F_AOUT)
        return load_aout(l, hdr, entry);
    return ld_load_elf(l, true, entry);
}

/* ---------------------------------------------------------- placement */

/* Lowest page-aligned gpa >= from such that [gpa, gpa+size) lies in one
 * RAM region, outside the legacy hole, and ends at or below limit. */
bool ld_place(const struct guest_ram *ram, uint64_t from, uint64_t size, uint64_t limit, uint64_t *out)
{
    bool found = false;
    for (uint32_t i = 0; i < ram->count && i < GUEST_RAM_MAX_REGIONS; i++) {
        const struct guest_ram_region *r = &ram->r[i];
        uint64_t a = MAX(from, r->guest);
        if (a > UINT64_MAX - PAGE_SIZE)
            continue;
        a = ALIGN_UP(a, PAGE_SIZE);
        if (a < HOLE_END && (size > HOLE_START || a + size > HOLE_START))
            a = MAX(a, HOLE_END);
        if (a - r->guest > r->size || size > r->size - (a - r->guest) || size > limit || a > limit - size)
            continue;
        if (!found || a < *out)
            *out = a;
        found = true;
    }
    return found;
}

static int place_modules(struct ld *l, const struct loader_module *mods, uint32_t n, uint64_t *at, uint64_t *end)
{
    uint64_t cursor = MAX(l->kend, (uint64_t)AREA_END);
    for (uint32_t i = 0; i < n; i++) {
        const struct loader_module *m = &mods[i];
        if (!m->data && m->size)
            return ld_fail(l, E_INVAL, "module %u (%s) has no data", i, m->name ? m->name : "");
        if (!ld_place(l->ram, cursor, m->size, LIMIT_4G, &at[i]))
            return ld_fail(l, E_NOMEM, "module %u (%s, 0x%llx bytes) does not fit in the partition's RAM above 0x%llx",
                        i, m->name ? m->name : "", U(m->size), U(cursor));
        if (m->size)
            memcpy(guest_ram_ptr(l->ram, at[i], m->size), m->data, m->size);
        cursor = at[i] + m->size;
    }
    *end = cursor;
    return E_OK;
}

/* ELF64 entry state, 7 pages placed above `from`: PML4[0] -> PDPT,
 * PDPT[0..3] -> PD 0..3, each PD 512 2 MiB pages (PS, RW, P) so 0-4 GiB is
 * identity mapped (SDM 3A 4.5), then the GDT page (SDM 3A 3.4.5: 0x08
 * long-mode code with L = 1, 0x10 flat writable data; for Linux the boot
 * protocol's __BOOT_CS 0x10 and __BOOT_DS 0x18 instead). Below 4 GiB: the
 * GDT base is a linear address and must be inside the map. */
int ld_build_long_mode(struct ld *l, uint64_t from, bool linux_gdt, struct guest_entry *e, uint64_t *pt)
{
    static const uint64_t gdt[3] = {0, GDT_CODE64, GDT_DATA};
    static const uint64_t gdt_linux[4] = {0, 0, GDT_CODE64, GDT_DATA};
    if (!ld_place(l->ram, from, PT_BYTES, LIMIT_4G, pt))
        return ld_fail(l, E_NOMEM, "no guest RAM below 4 GiB above 0x%llx for the 64-bit page tables", U(from));
    uint8_t *t = guest_ram_ptr(l->ram, *pt, PT_BYTES);
    memset(t, 0, PT_BYTES);
    le_put(t, 0, (*pt + PAGE_SIZE) | 3, 8);
    for (uint64_t i = 0; i < 4; i++) {
        le_put(t, PAGE_SIZE + i * 8, (*pt + (2 + i) * PAGE_SIZE) | 3, 8);
        for (uint64_t j = 0; j < 512; j++)
            le_put(t, (2 + i) * PAGE_SIZE + j * 8, GiB(i) + MiB(2) * j + 0x83, 8);
    }
    memcpy(t + 6 * PAGE_SIZE, linux_gdt ? gdt_linux : gdt, linux_gdt ? sizeof gdt_linux : sizeof gdt);
    e->cr3 = *pt;
    e->gdt_base = *pt + 6 * PAGE_SIZE;
    e->gdt_limit = (uint16_t)((linux_gdt ? sizeof gdt_linux : sizeof gdt) - 1);
    e->code_sel = linux_gdt ? 0x10 : 0x08;
    e->data_sel = linux_gdt ? 0x18 : 0x10;
    return E_OK;
}

/* ---------------------------------------------------- multiboot info */

static void mm_add(struct mmap *m, uint64_t base, uint64_t end, uint32_t type)
{
    if (end > base && m->n < MMAP_MAX)
        m->e[m->n++] = (struct mm_entry){base, end - base, type};
}

/* One region as usable entries around the reserved ranges rsv[0..1]
 * (sorted, disjoint). */
static void mm_add_region(struct mmap *m, uint64_t b, uint64_t e, const struct mm_entry *rsv)
{
    for (int i = 0; i < 2 && b < e; i++) {
        uint64_t r_end = rsv[i].base + rsv[i].len;
        if (!rsv[i].len || r_end <= b || rsv[i].base >= e)
            continue;
        mm_add(m, b, rsv[i].base, MMAP_TYPE_USABLE);
        b = MAX(b, r_end);
    }
    mm_add(m, b, e, MMAP_TYPE_USABLE);
}

/* The guest's map (MB 3.3 mmap): its RAM regions as usable, minus the
 * legacy hole and the loader's page tables, which appear reserved. */
static void build_mmap(const struct guest_ram *ram, uint64_t pt, uint64_t pt_len, struct mmap *m)
{
    struct mm_entry hole = {HOLE_START, HOLE_END - HOLE_START, MMAP_TYPE_RESERVED};
    struct mm_entry tables = {pt, pt_len, MMAP_TYPE_RESERVED};
    bool low = pt_len && pt < HOLE_START;
    struct mm_entry rsv[2] = {low ? tables : hole, low ? hole : tables};
    m->n = 0;
    for (uint32_t i = 0; i < ram->count && i < GUEST_RAM_MAX_REGIONS; i++)
        mm_add_region(m, ram->r[i].guest, ram->r[i].guest + ram->r[i].size, rsv);
    for (int i = 0; i < 2; i++)
        mm_add(m, rsv[i].base, rsv[i].base + rsv[i].len, MMAP_TYPE_RESERVED);
    for (uint32_t i = 1; i < m->n; i++) /* insertion sort by base */
        for (uint32_t j = i; j > 0 && m->e[j].base < m->e[j - 1].base; j--) {
            struct mm_entry t = m->e[j];
            m->e[j] = m->e[j - 1];
            m->e[j - 1] = t;
        }
}

/* End of the usable memory that runs without a gap from gpa. */
static uint64_t usable_run(const struct mmap *m, uint64_t gpa)
{
    uint64_t end = gpa;
    for (uint32_t i = 0; i < m->n; i++)
        if (m->e[i].type == MMAP_TYPE_USABLE && m->e[i].base <= end && m->e[i].base + m->e[i].len > end)
            end = m->e[i].base + m->e[i].len;
    return end;
}

struct mbi {
    uint8_t *area; /* host view of [AREA, AREA_END) */
    uint32_t str;  /* next free string gpa */
};

static void put32(struct mbi *b, uint32_t gpa, uint64_t v)
{
    uint32_t x = (uint32_t)v;
    memcpy(b->area + (gpa - AREA), &x, 4);
}

/* Appends "name args" (or "name" without args) to the string area. */
static int mbi_string(struct ld *l, struct mbi *b, const char *name, const char *args, uint32_t *gpa)
{
    size_t room = AREA_END - b->str;
    bool sep = args && *args;
    int n = fmt_snprintf((char *)b->area + (b->str - AREA), room, "%s%s%s", name ? name : "", sep ? " " : "",
                         sep ? args : "");
    if (n < 0 || (size_t)n >= room)
        return ld_fail(l, E_NOMEM, "command line and module strings exceed the area [0x%x, 0x%x)", AREA_STRINGS,
                    AREA_END);
    *gpa = b->str;
    b->str += (uint32_t)n + 1;
    return E_OK;
}

static void mbi_mmap(struct mbi *b, const struct mmap *m, uint64_t *lower, uint64_t *upper)
{
    for (uint32_t i = 0; i < m->n; i++) {
        put32(b, AREA_MMAP + i * 24, sizeof m->e[i]);
        memcpy(b->area + (AREA_MMAP - AREA) + i * 24 + 4, &m->e[i], sizeof m->e[i]);
    }
    put32(b, AREA + 44, m->n * 24);
    put32(b, AREA + 48, AREA_MMAP);
    *lower = MIN(usable_run(m, 0), HOLE_START) >> 10;
    *upper = MIN((usable_run(m, HOLE_END) - HOLE_END) >> 10, (uint64_t)UINT32_MAX);
}

static int build_mbi(struct ld *l, const char *cmdline, const struct loader_module *mods, uint32_t n,
                     const uint64_t *at, const struct mmap *m)
{
    struct mbi b = {guest_ram_ptr(l->ram, AREA, AREA_END - AREA), AREA_STRINGS};
    uint32_t flags = MBI_F_ALWAYS, gpa;
    uint64_t lower, upper;
    int err;

    memset(b.area, 0, AREA_END - AREA);
    memcpy(b.area + (AREA_NAME - AREA), "microhypervisor", 16);
    put32(&b, AREA + 64, AREA_NAME);
    mbi_mmap(&b, m, &lower, &upper);
    put32(&b, AREA + 4, lower);
    put32(&b, AREA + 8, upper);
    if (cmdline) {
        flags |= MBI_F_CMDLINE;
        if ((err = mbi_string(l, &b, cmdline, NULL, &gpa)))
            return err;
        put32(&b, AREA + 16, gpa);
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t e = AREA_MODS + i * 16;
        if ((err = mbi_string(l, &b, mods[i].name, mods[i].args, &gpa)))
            return err;
        put32(&b, e, at[i]);
        put32(&b, e + 4, at[i] + mods[i].size);
        put32(&b, e + 8, gpa);
    }
    put32(&b, AREA + 20, n);
    put32(&b, AREA + 24, AREA_MODS);
    put32(&b, AREA, flags);
    return E_OK;
}

/* ---------------------------------------------------------------- API */

static int check_args(struct ld *l, const struct loader_module *mods, uint32_t nmods, struct guest_entry *entry)
{
    if (!l->img || !l->ram || !entry || (nmods && !mods))
        return ld_fail(l, E_INVAL, "loader called without an image, RAM or entry");
    if (nmods > LOADER_MAX_MODULES)
        return ld_fail(l, E_INVAL, "%u modules, at most %u supported", nmods, LOADER_MAX_MODULES);
    if (!guest_ram_ptr(l->ram, AREA, AREA_END - AREA))
        return ld_fail(l, E_RANGE, "no guest RAM at [0x%x, 0x%x) for the multiboot info", AREA, AREA_END);
    return E_OK;
}

/* Loads the kernel; sets *mode and *rip. */
static int load_kernel(struct ld *l, enum guest_entry_mode *mode, uint64_t *rip)
{
    uint64_t hdr = 0;
    int err = find_mb_header(l, &hdr);
    if (!err) {
        *mode = GUEST_ENTRY_PROTECTED32;
        return load_multiboot(l, hdr, rip);
    }
    if (err != -E_NOENT)
        return err;
    *mode = GUEST_ENTRY_LONG64;
    l->limit = UINT64_MAX;
    err = ld_load_elf(l, false, rip);
    if (!err && *rip >= LIMIT_4G)
        return ld_fail(l, E_RANGE, "ELF64 entry point 0x%llx above the 4 GiB identity map", U(*rip));
    return err;
}

int loader_load(const void *image, uint64_t size, const struct guest_ram *ram, const char *cmdline,
                const struct loader_module *mods, uint32_t nmods, struct guest_entry *entry, char *err,
                size_t errlen)
{
    struct ld l = {.img = image, .size = size, .ram = ram, .err = err, .errlen = errlen};
    struct guest_entry e = {.rax = MB_BOOT_MAGIC, .rbx = AREA};
    uint64_t at[LOADER_MAX_MODULES], end = 0, pt = 0;
    struct mmap m;

    if (err && errlen)
        err[0] = '\0';
    int rc = check_args(&l, mods, nmods, entry);
    if (!rc)
        rc = load_kernel(&l, &e.mode, &e.rip);
    if (!rc)
        rc = place_modules(&l, mods, nmods, at, &end);
    if (!rc && e.mode == GUEST_ENTRY_LONG64)
        rc = ld_build_long_mode(&l, end, false, &e, &pt);
    if (rc)
        return rc;
    build_mmap(ram, pt, e.mode == GUEST_ENTRY_LONG64 ? PT_BYTES : 0, &m);
    rc = build_mbi(&l, cmdline, mods, nmods, at, &m);
    if (!rc)
        *entry = e;
    return rc;
}
