/* Tests for hv/loader.c. The guest has two RAM regions backed by host
 * buffers, guest [0, 4 MiB) and [16 MiB, 20 MiB), filled with 0xcc before
 * each load so untouched bytes show. Kernel images (a.out-kludge and ELF32
 * multiboot kernels, ELF64 executables) are built in memory; the multiboot
 * info the loader writes is read back with hv/multiboot.c's parser. */
#include <stdlib.h>
#include <string.h>

#include "hv/loader.h"
#include "hv/multiboot.h"
#include "unit.h"

#define MB_MAGIC 0x1BADB002u
#define AOUT (1u << 16)
#define R1 MiB(16)
#define FILL 0xcc
#define PT_LOAD 1
#define PT_NOTE 4

static uint8_t *mem0, *mem1, *mem4g; /* host backing of the regions */
static struct guest_ram ram;
static struct guest_entry ent;
static char err[256];
static uint8_t img[0x40000];
static struct boot_info bi;

/* ----------------------------------------------------------- fixtures */

static void ram_setup(void)
{
    if (!mem0) {
        mem0 = malloc(MiB(4));
        mem1 = malloc(MiB(4));
        mem4g = malloc(MiB(1));
    }
    memset(mem0, FILL, MiB(4));
    memset(mem1, FILL, MiB(4));
    memset(mem4g, FILL, MiB(1));
    ram = (struct guest_ram){.count = 2, .r = {{0, MiB(4), mem0}, {R1, MiB(4), mem1}}};
}

static uint8_t *gp(uint64_t gpa) { return guest_ram_ptr(&ram, gpa, 1); }
static uint32_t g32(uint64_t gpa) { uint32_t v; memcpy(&v, gp(gpa), 4); return v; }
static uint64_t g64(uint64_t gpa) { uint64_t v; memcpy(&v, gp(gpa), 8); return v; }

static void w16(uint64_t off, uint64_t v) { uint16_t x = (uint16_t)v; memcpy(img + off, &x, 2); }
static void w32(uint64_t off, uint64_t v) { uint32_t x = (uint32_t)v; memcpy(img + off, &x, 4); }
static void w64(uint64_t off, uint64_t v) { memcpy(img + off, &v, 8); }

static uint8_t pat(uint64_t i) { return (uint8_t)(i * 7 + 3); }

/* Image bytes [off, off+len) get a recognisable pattern. */
static void fill_pat(uint64_t off, uint64_t len)
{
    for (uint64_t i = 0; i < len; i++)
        img[off + i] = pat(off + i);
}

static bool guest_has_pat(uint64_t gpa, uint64_t off, uint64_t len)
{
    const uint8_t *p = guest_ram_ptr(&ram, gpa, len);
    for (uint64_t i = 0; p && i < len; i++)
        if (p[i] != pat(off + i))
            return false;
    return p != NULL;
}

static bool guest_is(uint64_t gpa, uint64_t len, uint8_t v)
{
    const uint8_t *p = guest_ram_ptr(&ram, gpa, len);
    for (uint64_t i = 0; p && i < len; i++)
        if (p[i] != v)
            return false;
    return p != NULL;
}

static void mb_header(uint64_t off, uint32_t flags)
{
    w32(off, MB_MAGIC);
    w32(off + 4, flags);
    w32(off + 8, -(MB_MAGIC + flags));
}

/* a.out kludge fields after a header at off. */
static void aout(uint64_t off, uint32_t header_addr, uint32_t load, uint32_t load_end, uint32_t bss_end,
                 uint32_t entry)
{
    mb_header(off, AOUT | 3);
    w32(off + 12, header_addr);
    w32(off + 16, load);
    w32(off + 20, load_end);
    w32(off + 24, bss_end);
    w32(off + 28, entry);
}

/* ELF header with program headers at 64; cls 32 or 64. */
static void elf(int cls, unsigned machine, uint64_t entry, unsigned phnum)
{
    memset(img, 0, sizeof img);
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = cls == 64 ? 2 : 1;
    img[5] = 1;
    img[6] = 1;
    w16(16, 2);
    w16(18, machine);
    w32(20, 1);
    if (cls == 64) {
        w64(24, entry);
        w64(32, 64);
        w16(52, 64);
        w16(54, 56);
        w16(56, phnum);
    } else {
        w32(24, entry);
        w32(28, 64);
        w16(40, 52);
        w16(42, 32);
        w16(44, phnum);
    }
}

static void phdr(int cls, unsigned i, uint32_t type, uint64_t off, uint64_t vaddr, uint64_t paddr, uint64_t filesz,
                 uint64_t memsz)
{
    if (cls == 64) {
        uint64_t p = 64 + i * 56;
        w32(p, type);
        w32(p + 4, 7);
        w64(p + 8, off);
        w64(p + 16, vaddr);
        w64(p + 24, paddr);
        w64(p + 32, filesz);
        w64(p + 40, memsz);
        w64(p + 48, 0x1000);
    } else {
        uint64_t p = 64 + i * 32;
        w32(p, type);
        w32(p + 4, off);
        w32(p + 8, vaddr);
        w32(p + 12, paddr);
        w32(p + 16, filesz);
        w32(p + 20, memsz);
        w32(p + 24, 7);
        w32(p + 28, 0x1000);
    }
}

/* The standard ELF32 multiboot kernel: text [1 MiB, +0x1800) from file
 * 0x1000, data [0x104000, +0x100) from file 0x3000 with bss to 0x107000,
 * a PT_NOTE in between, header at 0x200. Size 0x3100. */
#define K32_SIZE 0x3100u
#define K32_END 0x107000u
static void kernel32(void)
{
    elf(32, 3, 0x100010, 3);
    phdr(32, 0, PT_LOAD, 0x1000, 0x100000, 0x100000, 0x1800, 0x1800);
    phdr(32, 1, PT_NOTE, 0x2800, 0x380000, 0x380000, 0x10, 0x10); /* not loaded */
    phdr(32, 2, PT_LOAD, 0x3000, 0x104000, 0x104000, 0x100, 0x3000);
    mb_header(0x200, 3);
    fill_pat(0x1000, 0x2100);
}

/* The standard ELF64 kernel: [2 MiB, +0x2000) with bss to 0x204000, and
 * [16 MiB + 0x1000, +0x800) in the second region. Size 0x3000. */
#define K64_SIZE 0x3000u
static void kernel64(void)
{
    elf(64, 62, 0x200100, 2);
    phdr(64, 0, PT_LOAD, 0x1000, 0x200000, 0x200000, 0x1000, 0x4000);
    phdr(64, 1, PT_LOAD, 0x2000, R1 + 0x1000, R1 + 0x1000, 0x800, 0x800);
    fill_pat(0x1000, 0x2000);
}

static int load(uint64_t size, const char *cmdline, const struct loader_module *mods, uint32_t n)
{
    memset(&ent, 0x5a, sizeof ent);
    memset(err, 'x', sizeof err);
    return loader_load(img, size, &ram, cmdline, mods, n, &ent, err, sizeof err);
}

static const void *mb_reader(uint64_t pa, size_t len) { return guest_ram_ptr(&ram, pa, len); }

static int parse_back(void) { return multiboot_parse(0x2BADB002, ent.rbx, mb_reader, &bi); }

/* Expects failure with -code and a message containing want. */
#define CHECK_ERR(rc, code, want)                                   \
    do {                                                            \
        CHECK_EQ((rc), -(code));                                    \
        if (!strstr(err, (want))) {                                 \
            CHECK_STR(err, (want));                                 \
        }                                                           \
        CHECK(strchr(err, '\n') == NULL);                           \
        CHECK_EQ(ent.rip, 0x5a5a5a5a5a5a5a5aull); /* entry untouched */ \
    } while (0)

static bool mmap_is(const struct mem_range *want, uint32_t n)
{
    if (bi.mmap_count != n)
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (bi.mmap[i].base != want[i].base || bi.mmap[i].len != want[i].len || bi.mmap[i].type != want[i].type)
            return false;
    return true;
}

/* -------------------------------------------------------- guest_ram_ptr */

TEST(guest_ram_ptr_bounds)
{
    ram_setup();
    CHECK(guest_ram_ptr(&ram, 0, 1) == mem0);
    CHECK(guest_ram_ptr(&ram, 0x1234, 16) == mem0 + 0x1234);
    CHECK(guest_ram_ptr(&ram, 0, MiB(4)) == mem0);
    CHECK(guest_ram_ptr(&ram, MiB(4) - 8, 8) == mem0 + MiB(4) - 8);
    CHECK(guest_ram_ptr(&ram, MiB(4) - 8, 9) == NULL); /* runs past the region */
    CHECK(guest_ram_ptr(&ram, MiB(4), 1) == NULL);     /* the gap */
    CHECK(guest_ram_ptr(&ram, MiB(4), 0) == NULL);     /* len 0 counts as 1 */
    CHECK(guest_ram_ptr(&ram, MiB(4) - 1, 0) == mem0 + MiB(4) - 1);
    CHECK(guest_ram_ptr(&ram, R1 + 5, 0) == mem1 + 5);
    CHECK(guest_ram_ptr(&ram, R1 - 1, 2) == NULL);
    CHECK(guest_ram_ptr(&ram, MiB(2), MiB(16)) == NULL); /* spans both */
    CHECK(guest_ram_ptr(&ram, R1 + 0x10, UINT64_MAX) == NULL);
    CHECK(guest_ram_ptr(&ram, UINT64_MAX, 2) == NULL); /* gpa + len wraps */
    CHECK(guest_ram_ptr(NULL, 0, 1) == NULL);
}

TEST(guest_ram_ptr_skips_hostless_and_uncounted_regions)
{
    ram_setup();
    ram.r[0].host = NULL;
    CHECK(guest_ram_ptr(&ram, 0x1000, 1) == NULL);
    ram_setup();
    ram.count = 1;
    CHECK(guest_ram_ptr(&ram, R1, 1) == NULL);
    ram.count = 100; /* clamped to GUEST_RAM_MAX_REGIONS; unused slots are empty */
    CHECK(guest_ram_ptr(&ram, R1, 1) == mem1);
    CHECK(guest_ram_ptr(&ram, MiB(64), 1) == NULL);
}

/* ------------------------------------------------------------- a.out */

TEST(aout_kludge_loads_text_data_and_bss)
{
    ram_setup();
    memset(img, 0, sizeof img);
    fill_pat(0, 0x3000);
    aout(0x10, 0x100010, 0x100000, 0x102000, 0x104000, 0x100100);
    CHECK_EQ(load(0x3000, NULL, NULL, 0), 0);
    CHECK_EQ(ent.mode, GUEST_ENTRY_PROTECTED32);
    CHECK_EQ(ent.rip, 0x100100);
    CHECK_EQ(ent.rax, 0x2BADB002);
    CHECK_EQ(ent.rbx, 0x1000);
    CHECK(guest_has_pat(0x100000, 0, 0x10));          /* image bytes before the header, */
    CHECK_EQ(g32(0x100010), MB_MAGIC);                /* the header itself */
    CHECK(guest_has_pat(0x100030, 0x30, 0x2000 - 0x30)); /* and the rest of the text */
    CHECK(guest_is(0x102000, 0x2000, 0));     /* bss */
    CHECK(guest_is(0x104000, 0x1000, FILL));  /* nothing after */
    CHECK(guest_is(0xff000, 0x1000, FILL));   /* nothing before */
    CHECK_EQ(err[0], '\0');
}

TEST(aout_whole_file_without_load_end_or_bss)
{
    ram_setup();
    memset(img, 0, sizeof img);
    fill_pat(0x1000, 0x1800);
    /* Header at 0x800, loaded from file offset 0 at 0x200000. */
    aout(0x800, 0x200800, 0x200000, 0, 0, 0x201000);
    CHECK_EQ(load(0x2800, NULL, NULL, 0), 0);
    CHECK(guest_has_pat(0x201000, 0x1000, 0x1800));
    CHECK(guest_is(0x202800, 0x100, FILL));
    CHECK_EQ(ent.rip, 0x201000);
}

TEST(aout_header_offset_maps_file_to_load_addr)
{
    ram_setup();
    memset(img, 0, sizeof img);
    fill_pat(0, 0x4000);
    /* Header at file 0x1000 says it lands at 0x300800: the file offset of
     * load_addr 0x300000 is 0x1000 - 0x800 = 0x800. */
    aout(0x1000, 0x300800, 0x300000, 0x300400, 0x300400, 0x300000);
    CHECK_EQ(load(0x4000, NULL, NULL, 0), 0);
    CHECK(guest_has_pat(0x300000, 0x800, 0x400));
    CHECK(guest_is(0x300400, 0x10, FILL));
}

TEST(aout_header_in_second_region)
{
    ram_setup();
    memset(img, 0, sizeof img);
    fill_pat(0, 0x2000);
    aout(0, R1, R1, 0, R1 + 0x3000, R1 + 0x40);
    CHECK_EQ(load(0x2000, NULL, NULL, 0), 0);
    CHECK(guest_has_pat(R1 + 0x20, 0x20, 0x1fe0));
    CHECK(guest_is(R1 + 0x2000, 0x1000, 0));
    CHECK_EQ(ent.rip, R1 + 0x40);
}

TEST(aout_errors)
{
    ram_setup();
    memset(img, 0, sizeof img);
    aout(0x10, 0x100000, 0x100010, 0, 0, 0x100010); /* load_addr above header_addr */
    CHECK_ERR(load(0x1000, NULL, NULL, 0), E_RANGE, "load_addr 0x100010, header_addr 0x100000");
    aout(0x10, 0x100100, 0x100000, 0, 0, 0x100100); /* file would start at -0xf0 */
    CHECK_ERR(load(0x1000, NULL, NULL, 0), E_RANGE, "file offset before the image");
    aout(0x10, 0x100010, 0x100000, 0xff000, 0, 0x100010);
    CHECK_ERR(load(0x1000, NULL, NULL, 0), E_INVAL, "load_end_addr 0xff000 below load_addr 0x100000");
    aout(0x10, 0x100010, 0x100000, 0x100800, 0x100400, 0x100010);
    CHECK_ERR(load(0x1000, NULL, NULL, 0), E_INVAL, "bss_end_addr 0x100400 below the loaded end 0x100800");
    aout(0x10, 0x100010, 0x100000, 0x102000, 0, 0x100010); /* truncated image */
    CHECK_ERR(load(0x1000, NULL, NULL, 0), E_RANGE, "file bytes [0x0, +0x2000) beyond the image (0x1000 bytes)");
    aout(0x10, 0x100010, 0x100000, 0, 0, 0x101000); /* entry past the end */
    CHECK_ERR(load(0x1000, NULL, NULL, 0), E_RANGE, "entry_addr 0x101000 outside the loaded [0x100000, 0x101000)");
    aout(0x10, 0x500010, 0x500000, 0, 0, 0x500010); /* the gap between regions */
    CHECK_ERR(load(0x1000, NULL, NULL, 0), E_RANGE, "segment [0x500000, 0x501000) outside the partition's RAM");
    aout(0x10, 0x3ff010, 0x3ff000, 0, 0x401000, 0x3ff010); /* bss runs off the region */
    CHECK_ERR(load(0x1000, NULL, NULL, 0), E_RANGE, "segment [0x3ff000, 0x401000) outside");
    aout(0x10, 0xfffff010, 0xfffff000, 0, 0, 0xfffff010); /* ends at 4 GiB exactly */
    CHECK_ERR(load(0x1000, NULL, NULL, 0), E_RANGE, "segment [0xfffff000, 0x100000000) outside");
    aout(0x10, 0x9f010, 0x9f000, 0, 0, 0x9f010); /* into the legacy hole */
    CHECK_ERR(load(0x2000, NULL, NULL, 0), E_RANGE, "segment [0x9f000, 0xa1000) overlaps the legacy hole");
    aout(0x10, 0x8010, 0x8000, 0, 0, 0x8010); /* onto the multiboot info */
    CHECK_ERR(load(0x2000, NULL, NULL, 0), E_EXIST, "[0x8000, 0xa000) overlaps the multiboot info [0x1000, 0x9000)");
    memset(img, 0, 0x40);
    aout(0x1fe4, 0x101fe4, 0x100000, 0, 0, 0x100000); /* fields past 8 KiB */
    CHECK_ERR(load(0x3000, NULL, NULL, 0), E_INVAL, "address fields truncated");
    memset(img, 0, 0x2000);
    aout(0x10, 0x100010, 0x100000, 0, 0, 0x100010);
    CHECK_ERR(load(0x20, NULL, NULL, 0), E_INVAL, "address fields truncated"); /* image ends in the header */
}

/* ------------------------------------------------------------ header */

TEST(header_search_and_checksum)
{
    ram_setup();
    memset(img, 0, sizeof img);
    fill_pat(0, 0x3000);
    CHECK_ERR(load(0x3000, NULL, NULL, 0), E_INVAL, "no multiboot header or ELF64 image");
    w32(0x100, MB_MAGIC); /* bad checksum */
    w32(0x104, AOUT);
    w32(0x108, 0);
    CHECK_ERR(load(0x3000, NULL, NULL, 0), E_CHECKSUM, "multiboot header at offset 0x100: bad checksum");
    aout(0x1000, 0x101000, 0x100000, 0, 0, 0x100000); /* a good one later wins */
    CHECK_EQ(load(0x3000, NULL, NULL, 0), 0);
    memset(img, 0, 0x3000);
    aout(0x2000, 0x102000, 0x100000, 0, 0, 0x100000); /* beyond the first 8 KiB */
    CHECK_ERR(load(0x3000, NULL, NULL, 0), E_INVAL, "no multiboot header or ELF64 image");
    memset(img, 0, 0x3000);
    aout(0x102, 0x100102, 0x100000, 0, 0, 0x100000); /* not 4-byte aligned */
    CHECK_ERR(load(0x3000, NULL, NULL, 0), E_INVAL, "no multiboot header or ELF64 image");
    CHECK_ERR(load(0, NULL, NULL, 0), E_INVAL, "no multiboot header or ELF64 image");
    CHECK_ERR(load(8, NULL, NULL, 0), E_INVAL, "no multiboot header or ELF64 image");
}

TEST(header_flags)
{
    ram_setup();
    memset(img, 0, sizeof img);
    aout(0, 0x100000, 0x100000, 0, 0, 0x100000);
    mb_header(0, AOUT | 0x7); /* page align, mem info, video: video ignored */
    CHECK_EQ(load(0x1000, NULL, NULL, 0), 0);
    mb_header(0, AOUT | 0x8); /* an unknown required bit */
    CHECK_ERR(load(0x1000, NULL, NULL, 0), E_NOTSUP, "requires unsupported features (flags 0x10008)");
    mb_header(0, AOUT | 0x8000);
    CHECK_ERR(load(0x1000, NULL, NULL, 0), E_NOTSUP, "unsupported features");
    mb_header(0, AOUT | 0x20000); /* optional bits above 16 are fine */
    CHECK_EQ(load(0x1000, NULL, NULL, 0), 0);
}

/* ------------------------------------------------------------- ELF32 */

TEST(elf32_multiboot_segments)
{
    ram_setup();
    kernel32();
    CHECK_EQ(load(K32_SIZE, "root=/dev/x quiet", NULL, 0), 0);
    CHECK_EQ(ent.mode, GUEST_ENTRY_PROTECTED32);
    CHECK_EQ(ent.rip, 0x100010);
    CHECK_EQ(ent.rax, 0x2BADB002);
    CHECK_EQ(ent.rbx, 0x1000);
    CHECK_EQ(ent.cr3, 0);
    CHECK(guest_has_pat(0x100000, 0x1000, 0x1800));
    CHECK(guest_is(0x101800, 0x2800, FILL)); /* gap between segments */
    CHECK(guest_has_pat(0x104000, 0x3000, 0x100));
    CHECK(guest_is(0x104100, 0x2f00, 0)); /* bss zeroed */
    CHECK(guest_is(0x107000, 0x1000, FILL));
    CHECK(guest_is(0x380000, 0x10, FILL)); /* PT_NOTE ignored */
    CHECK_EQ(parse_back(), 0);
    CHECK_STR(bi.cmdline, "root=/dev/x quiet");
    CHECK_STR(bi.loader_name, "microhypervisor");
}

TEST(elf32_entry_translated_from_virtual)
{
    ram_setup();
    kernel32();
    w32(24, 0xc0100020);
    w32(64 + 8, 0xc0100000); /* first segment linked at 0xc0100000 */
    CHECK_EQ(load(K32_SIZE, NULL, NULL, 0), 0);
    CHECK_EQ(ent.rip, 0x100020);
    CHECK(guest_has_pat(0x100000, 0x1000, 0x1800));
    w32(24, 0xd0000000);
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_RANGE, "ELF entry point 0xd0000000 is not inside a loaded segment");
}

TEST(elf32_errors)
{
    ram_setup();
    kernel32();
    w16(18, 62);
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_INVAL, "ELF32 image is not an i386 executable (type 2, machine 62)");
    kernel32();
    w16(16, 3); /* ET_DYN */
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_INVAL, "not an i386 executable (type 3");
    kernel32();
    img[5] = 2; /* big endian */
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_INVAL, "without a.out kludge is not a little-endian ELF");
    kernel32();
    img[0] = 0;
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_INVAL, "not a little-endian ELF");
    kernel32();
    phdr(32, 2, PT_LOAD, 0x3000, 0x104000, 0x104000, 0x200, 0x3000); /* file bytes past the end */
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_RANGE, "file bytes [0x3000, +0x200) beyond the image (0x3100 bytes)");
    kernel32();
    phdr(32, 2, PT_LOAD, 0x4000, 0x104000, 0x104000, 0x100, 0x3000); /* offset past the end */
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_RANGE, "file bytes [0x4000, +0x100)");
    kernel32();
    phdr(32, 2, PT_LOAD, 0x3000, 0x104000, 0x104000, 0x3001, 0x3000);
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_INVAL, "file size 0x3001 exceeds memory size 0x3000");
    kernel32();
    phdr(32, 2, PT_LOAD, 0x3000, 0x600000, 0x600000, 0x100, 0x3000);
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_RANGE, "segment [0x600000, 0x603000) outside the partition's RAM");
    kernel32();
    phdr(32, 2, PT_LOAD, 0x3000, 0xfffff000, 0xfffff000, 0x100, 0x2000); /* wraps 32 bits */
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_RANGE, "segment at 0xfffff000 size 0x2000 ends beyond 0x100000000");
    kernel32();
    w32(28, 0x3100 - 0x40); /* program headers run off the image */
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_RANGE, "ELF program headers [0x30c0, +3 x 32) beyond the image");
    kernel32();
    w32(28, 0xffffffff);
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_RANGE, "ELF program headers [0xffffffff");
    kernel32();
    w16(42, 16); /* phentsize too small */
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_RANGE, "ELF program headers");
    kernel32();
    w16(44, 0);
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_INVAL, "ELF image has no loadable segment");
}

TEST(elf32_without_multiboot_header_refused)
{
    ram_setup();
    kernel32();
    memset(img + 0x200, 0, 12);
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_INVAL, "no multiboot header or ELF64 image");
}

/* ------------------------------------------------- multiboot info, mmap */

TEST(mbi_fields_and_memory_map)
{
    ram_setup();
    kernel32();
    CHECK_EQ(load(K32_SIZE, "console=ttyS0", NULL, 0), 0);
    CHECK_EQ(g32(0x1000), (1u << 0) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9));
    CHECK_EQ(parse_back(), 0);
    CHECK_EQ(bi.mem_lower_kb, 640);
    CHECK_EQ(bi.mem_upper_kb, 3072);
    CHECK_STR(bi.cmdline, "console=ttyS0");
    CHECK_STR(bi.loader_name, "microhypervisor");
    CHECK_EQ(bi.module_count, 0);
    static const struct mem_range want[] = {
        {0, 0xa0000, MEM_USABLE},
        {0xa0000, 0x60000, MEM_RESERVED},
        {0x100000, 0x300000, MEM_USABLE},
        {R1, MiB(4), MEM_USABLE},
    };
    CHECK(mmap_is(want, 4));
    /* Every pointer lies in 0x1000-0x8fff. */
    static const unsigned ptr_fields[] = {16, 24, 48, 64}; /* cmdline, mods, mmap, name */
    for (unsigned i = 0; i < 4; i++)
        CHECK(g32(0x1000 + ptr_fields[i]) >= 0x1000 && g32(0x1000 + ptr_fields[i]) < 0x9000);
    CHECK(guest_is(0x9000, 0x1000, FILL));
}

TEST(mbi_without_cmdline)
{
    ram_setup();
    kernel32();
    CHECK_EQ(load(K32_SIZE, NULL, NULL, 0), 0);
    CHECK_EQ(g32(0x1000) & (1u << 2), 0);
    CHECK_EQ(parse_back(), 0);
    CHECK_STR(bi.cmdline, "");
}

TEST(mmap_regions_in_any_order_and_hole_not_covered)
{
    ram_setup();
    kernel32();
    /* Low RAM stops at 636 KiB; RAM from 1 MiB; regions given unsorted. */
    ram = (struct guest_ram){.count = 3,
                             .r = {{R1, MiB(4), mem1}, {0x100000, MiB(3), mem0 + 0x100000}, {0, 0x9f000, mem0}}};
    CHECK_EQ(load(K32_SIZE, NULL, NULL, 0), 0);
    CHECK_EQ(parse_back(), 0);
    CHECK_EQ(bi.mem_lower_kb, 636);
    CHECK_EQ(bi.mem_upper_kb, 3072);
    static const struct mem_range want[] = {
        {0, 0x9f000, MEM_USABLE},
        {0xa0000, 0x60000, MEM_RESERVED},
        {0x100000, 0x300000, MEM_USABLE},
        {R1, MiB(4), MEM_USABLE},
    };
    CHECK(mmap_is(want, 4));
}

TEST(mem_upper_spans_touching_regions)
{
    ram_setup();
    kernel32();
    /* [0, 4 MiB) and [4 MiB, 8 MiB) touch: mem_upper runs on to 8 MiB. */
    ram = (struct guest_ram){.count = 2, .r = {{0, MiB(4), mem0}, {MiB(4), MiB(4), mem1}}};
    CHECK_EQ(load(K32_SIZE, NULL, NULL, 0), 0);
    CHECK_EQ(parse_back(), 0);
    CHECK_EQ(bi.mem_upper_kb, 7168);
    CHECK_EQ(bi.mmap_count, 4);
}

TEST(no_low_memory_for_the_mbi)
{
    ram_setup();
    kernel32();
    ram = (struct guest_ram){.count = 1, .r = {{MiB(1), MiB(3), mem0}}};
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_RANGE, "no guest RAM at [0x1000, 0x9000) for the multiboot info");
    ram = (struct guest_ram){.count = 2, .r = {{0, 0x8000, mem0}, {MiB(1), MiB(3), mem0 + MiB(1)}}};
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 0), E_RANGE, "no guest RAM at [0x1000, 0x9000)");
    CHECK(guest_is(0, 0x8000, FILL));
}

TEST(cmdline_too_long)
{
    ram_setup();
    kernel32();
    static char big[0x8000];
    memset(big, 'a', sizeof big - 1);
    CHECK_ERR(load(K32_SIZE, big, NULL, 0), E_NOMEM, "command line and module strings exceed the area");
    big[0x9000 - 0x1480 - 1] = '\0'; /* exactly fills the string area */
    CHECK_EQ(load(K32_SIZE, big, NULL, 0), 0);
    CHECK_EQ(parse_back(), 0);
    CHECK_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}

/* ------------------------------------------------------------ modules */

static uint8_t mod_a[0x1801], mod_b[0x10];

static void mods_fill(void)
{
    for (size_t i = 0; i < sizeof mod_a; i++)
        mod_a[i] = (uint8_t)(i ^ 0x5a);
    memset(mod_b, 0x77, sizeof mod_b);
}

TEST(modules_copied_page_aligned_after_the_kernel)
{
    ram_setup();
    kernel32();
    mods_fill();
    const struct loader_module mods[] = {
        {"rtos.bin", mod_a, sizeof mod_a, "prio=3 fast"},
        {"data", mod_b, sizeof mod_b, NULL},
        {"empty", NULL, 0, ""},
    };
    CHECK_EQ(load(K32_SIZE, "x", mods, 3), 0);
    CHECK_EQ(parse_back(), 0);
    CHECK_EQ(bi.module_count, 3);
    CHECK_EQ(bi.modules[0].start, K32_END); /* right after the bss */
    CHECK_EQ(bi.modules[0].end, K32_END + sizeof mod_a);
    CHECK_STR(bi.modules[0].name, "rtos.bin");
    CHECK_STR(bi.modules[0].args, "prio=3 fast");
    CHECK_EQ(bi.modules[1].start, K32_END + 0x2000);
    CHECK_EQ(bi.modules[1].end, K32_END + 0x2010);
    CHECK_STR(bi.modules[1].name, "data");
    CHECK_STR(bi.modules[1].args, "");
    CHECK_EQ(bi.modules[2].start, K32_END + 0x3000);
    CHECK_EQ(bi.modules[2].end, K32_END + 0x3000);
    CHECK(memcmp(gp(K32_END), mod_a, sizeof mod_a) == 0);
    CHECK(memcmp(gp(K32_END + 0x2000), mod_b, sizeof mod_b) == 0);
    CHECK(guest_is(K32_END + sizeof mod_a, 0x2000 - sizeof mod_a, FILL));
    /* The raw strings: "name args" and just "name". */
    CHECK_STR((const char *)gp(g32(g32(0x1018) + 8)), "rtos.bin prio=3 fast");
    CHECK_STR((const char *)gp(g32(g32(0x1018) + 16 + 8)), "data");
    CHECK_STR((const char *)gp(g32(g32(0x1018) + 32 + 8)), "empty");
}

TEST(module_moves_to_the_next_region_when_it_does_not_fit)
{
    ram_setup();
    kernel32();
    static uint8_t big[MiB(3)];
    memset(big, 0x42, sizeof big);
    const struct loader_module mods[] = {{"small", mod_b, sizeof mod_b, NULL}, {"big", big, sizeof big, "x"}};
    CHECK_EQ(load(K32_SIZE, NULL, mods, 2), 0);
    CHECK_EQ(parse_back(), 0);
    CHECK_EQ(bi.modules[0].start, K32_END);
    CHECK_EQ(bi.modules[1].start, R1); /* [0x108000, +3 MiB) would pass 4 MiB */
    CHECK(guest_is(R1, sizeof big, 0x42));
}

TEST(modules_not_fitting)
{
    ram_setup();
    kernel32();
    static uint8_t huge[MiB(4) + 1];
    const struct loader_module mods[] = {{"huge", huge, sizeof huge, NULL}};
    CHECK_ERR(load(K32_SIZE, NULL, mods, 1), E_NOMEM,
              "module 0 (huge, 0x400001 bytes) does not fit in the partition's RAM above 0x107000");
    const struct loader_module nodata[] = {{"nodata", NULL, 5, NULL}};
    CHECK_ERR(load(K32_SIZE, NULL, nodata, 1), E_INVAL, "module 0 (nodata) has no data");
    struct loader_module many[LOADER_MAX_MODULES + 1];
    for (unsigned i = 0; i < LOADER_MAX_MODULES + 1; i++)
        many[i] = (struct loader_module){"m", mod_b, 1, NULL};
    CHECK_ERR(load(K32_SIZE, NULL, many, LOADER_MAX_MODULES + 1), E_INVAL, "9 modules, at most 8 supported");
    CHECK_EQ(load(K32_SIZE, NULL, many, LOADER_MAX_MODULES), 0);
    CHECK_ERR(load(K32_SIZE, NULL, NULL, 1), E_INVAL, "without an image");
}

TEST(module_strings_too_long)
{
    ram_setup();
    kernel32();
    static char args[0x4000];
    memset(args, 'b', sizeof args - 1);
    const struct loader_module mods[] = {{"a", mod_b, 1, args}, {"b", mod_b, 1, args}};
    CHECK_EQ(load(K32_SIZE, NULL, mods, 1), 0);
    CHECK_ERR(load(K32_SIZE, NULL, mods, 2), E_NOMEM, "module strings exceed");
}

TEST(modules_skip_the_legacy_hole)
{
    ram_setup();
    memset(img, 0, sizeof img);
    aout(0, 0x10000, 0x10000, 0, 0, 0x10000); /* a kernel at 64 KiB */
    static uint8_t m[0x8f000]; /* [0x11000, 0xa0000) exactly */
    const struct loader_module mods[] = {{"a", m, sizeof m, NULL}, {"b", m, 0x20000, NULL}};
    CHECK_EQ(load(0x1000, NULL, mods, 2), 0);
    CHECK_EQ(parse_back(), 0);
    CHECK_EQ(bi.modules[0].start, 0x11000);
    CHECK_EQ(bi.modules[1].start, 0x100000); /* [0xa1000, ...) is the hole */
    CHECK(guest_is(0xa0000, 0x60000, FILL));
}

/* ------------------------------------------------------------- ELF64 */

static uint64_t pt_base(void) { return ent.cr3; }

TEST(elf64_loads_and_builds_identity_map)
{
    ram_setup();
    kernel64();
    CHECK_EQ(load(K64_SIZE, "hello", NULL, 0), 0);
    CHECK_EQ(ent.mode, GUEST_ENTRY_LONG64);
    CHECK_EQ(ent.rip, 0x200100);
    CHECK_EQ(ent.rax, 0x2BADB002);
    CHECK_EQ(ent.rbx, 0x1000);
    CHECK(guest_has_pat(0x200000, 0x1000, 0x1000));
    CHECK(guest_is(0x201000, 0x3000, 0));
    CHECK(guest_has_pat(R1 + 0x1000, 0x2000, 0x800));
    /* Tables above the highest loaded byte (second region). */
    uint64_t pt = pt_base();
    CHECK_EQ(pt, R1 + 0x2000);
    CHECK_EQ(g64(pt), (pt + 0x1000) | 3);
    for (unsigned i = 1; i < 512; i++)
        CHECK_EQ(g64(pt + i * 8), 0);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(g64(pt + 0x1000 + i * 8), (pt + (2 + i) * 0x1000) | 3);
    for (unsigned i = 4; i < 512; i++)
        CHECK_EQ(g64(pt + 0x1000 + i * 8), 0);
    CHECK_EQ(g64(pt + 0x2000), 0x83);
    CHECK_EQ(g64(pt + 0x2000 + 8), 0x200083);
    CHECK_EQ(g64(pt + 0x3000 + 3 * 8), GiB(1) + MiB(6) + 0x83);
    CHECK_EQ(g64(pt + 0x5000 + 511 * 8), GiB(4) - MiB(2) + 0x83);
    for (unsigned d = 0; d < 4; d++)
        for (unsigned j = 0; j < 512; j++)
            if (g64(pt + (2 + d) * 0x1000 + j * 8) != GiB(d) + MiB(2) * j + 0x83)
                CHECK_EQ(g64(pt + (2 + d) * 0x1000 + j * 8), GiB(d) + MiB(2) * j + 0x83);
    static const uint8_t gdt[24] = {0,    0,    0,    0,    0,    0,    0,    0,    0xff, 0xff, 0, 0,
                                    0,    0x9b, 0xaf, 0,    0xff, 0xff, 0,    0,    0,    0x93, 0xcf, 0};
    CHECK_EQ(ent.gdt_base, pt + 0x6000);
    CHECK_EQ(ent.gdt_limit, 23);
    CHECK(memcmp(gp(ent.gdt_base), gdt, sizeof gdt) == 0);
    CHECK(guest_is(pt + 0x6000 + 24, 0x1000 - 24, 0));
    CHECK(guest_is(pt + 0x7000, 0x10, FILL));
}

TEST(elf64_tables_reserved_in_mmap)
{
    ram_setup();
    kernel64();
    phdr(64, 1, PT_LOAD, 0x2000, 0x300000, 0x300000, 0x800, 0x800); /* all in region 0 */
    CHECK_EQ(load(K64_SIZE, NULL, NULL, 0), 0);
    CHECK_EQ(pt_base(), 0x301000);
    CHECK_EQ(parse_back(), 0);
    static const struct mem_range want[] = {
        {0, 0xa0000, MEM_USABLE},         {0xa0000, 0x60000, MEM_RESERVED},
        {0x100000, 0x201000, MEM_USABLE}, {0x301000, 0x7000, MEM_RESERVED},
        {0x308000, 0xf8000, MEM_USABLE},  {R1, MiB(4), MEM_USABLE},
    };
    CHECK(mmap_is(want, 6));
    CHECK_EQ(bi.mem_upper_kb, 0x201000 / 1024); /* stops at the tables */
}

TEST(elf64_tables_below_the_hole)
{
    ram_setup();
    kernel64();
    w64(24, 0x10100);
    phdr(64, 0, PT_LOAD, 0x1000, 0x10000, 0x10000, 0x1000, 0x1000); /* a kernel at 64 KiB */
    w16(56, 1);
    CHECK_EQ(load(K64_SIZE, NULL, NULL, 0), 0);
    CHECK_EQ(pt_base(), 0x11000);
    CHECK_EQ(parse_back(), 0);
    static const struct mem_range want[] = {
        {0, 0x11000, MEM_USABLE},        {0x11000, 0x7000, MEM_RESERVED},  {0x18000, 0x88000, MEM_USABLE},
        {0xa0000, 0x60000, MEM_RESERVED}, {0x100000, 0x300000, MEM_USABLE}, {R1, MiB(4), MEM_USABLE},
    };
    CHECK(mmap_is(want, 6));
    CHECK_EQ(bi.mem_lower_kb, 0x44);
    CHECK_EQ(bi.mem_upper_kb, 3072);
}

TEST(elf64_with_modules)
{
    ram_setup();
    kernel64();
    mods_fill();
    const struct loader_module mods[] = {{"m", mod_a, sizeof mod_a, "a b"}};
    CHECK_EQ(load(K64_SIZE, NULL, mods, 1), 0);
    CHECK_EQ(parse_back(), 0);
    CHECK_EQ(bi.modules[0].start, R1 + 0x2000);
    CHECK(memcmp(gp(R1 + 0x2000), mod_a, sizeof mod_a) == 0);
    CHECK_EQ(pt_base(), R1 + 0x4000); /* above the module */
}

TEST(elf64_entry_translated_from_virtual)
{
    ram_setup();
    kernel64();
    phdr(64, 0, PT_LOAD, 0x1000, 0xffffffff80200000ull, 0x200000, 0x1000, 0x4000);
    w64(24, 0xffffffff80200040ull);
    CHECK_EQ(load(K64_SIZE, NULL, NULL, 0), 0);
    CHECK_EQ(ent.rip, 0x200040);
}

TEST(elf64_errors)
{
    ram_setup();
    kernel64();
    w16(18, 3);
    CHECK_ERR(load(K64_SIZE, NULL, NULL, 0), E_INVAL, "ELF64 image is not an x86-64 executable (type 2, machine 3)");
    kernel64();
    phdr(64, 1, PT_LOAD, 0x2000, 0, 0xfffffffffffff000ull, 0x800, 0x2000); /* paddr + memsz wraps */
    CHECK_ERR(load(K64_SIZE, NULL, NULL, 0), E_RANGE, "segment at 0xfffffffffffff000 size 0x2000 ends beyond");
    kernel64();
    phdr(64, 1, PT_LOAD, 0xfffffffffffff000ull, R1, R1, 0x2000, 0x2000); /* offset + filesz wraps */
    CHECK_ERR(load(K64_SIZE, NULL, NULL, 0), E_RANGE, "file bytes [0xfffffffffffff000, +0x2000) beyond the image");
    kernel64();
    phdr(64, 1, PT_LOAD, 0x2000, R1, R1, 0x800, 0xffffffffffffffffull);
    CHECK_ERR(load(K64_SIZE, NULL, NULL, 0), E_RANGE, "ends beyond");
    kernel64();
    w64(32, 0xfffffffffffffff0ull); /* phoff wraps */
    CHECK_ERR(load(K64_SIZE, NULL, NULL, 0), E_RANGE, "ELF program headers [0xfffffffffffffff0");
    kernel64();
    w64(24, 0x500000);
    CHECK_ERR(load(K64_SIZE, NULL, NULL, 0), E_RANGE, "ELF entry point 0x500000 is not inside a loaded segment");
    kernel64();
    phdr(64, 1, PT_LOAD, 0x2000, R1 + MiB(4) - 0x400, R1 + MiB(4) - 0x400, 0x800, 0x800);
    CHECK_ERR(load(K64_SIZE, NULL, NULL, 0), E_RANGE, "segment [0x13ffc00, 0x1400400) outside the partition's RAM");
    kernel64();
    CHECK_ERR(load(100, NULL, NULL, 0), E_RANGE, "ELF program headers [0x40, +2 x 56) beyond the image (0x64 bytes)");
    CHECK_ERR(load(60, NULL, NULL, 0), E_INVAL, "no multiboot header or ELF64 image");
}

TEST(elf64_no_room_for_tables)
{
    ram_setup();
    kernel64();
    /* Kernel fills region 1 to its last 16 KiB: 7 pages do not fit above. */
    phdr(64, 1, PT_LOAD, 0x2000, R1 + 0x1000, R1 + 0x1000, 0x800, MiB(4) - 0x5000);
    CHECK_ERR(load(K64_SIZE, NULL, NULL, 0), E_NOMEM,
              "no guest RAM below 4 GiB above 0x13fc000 for the 64-bit page tables");
}

TEST(elf64_above_4g)
{
    ram_setup();
    ram.count = 3;
    ram.r[2] = (struct guest_ram_region){GiB(4), MiB(1), mem4g};
    kernel64();
    phdr(64, 0, PT_LOAD, 0x1000, GiB(4), GiB(4), 0x1000, 0x1000);
    w64(24, GiB(4) + 0x10);
    CHECK_ERR(load(K64_SIZE, NULL, NULL, 0), E_RANGE, "ELF64 entry point 0x100000010 above the 4 GiB identity map");
    w64(24, R1 + 0x1000);
    CHECK_ERR(load(K64_SIZE, NULL, NULL, 0), E_NOMEM, "for the 64-bit page tables");
    CHECK(guest_has_pat(GiB(4), 0x1000, 0x1000)); /* loaded there all the same */
}

TEST(multiboot_elf64_kernel_enters_protected_mode)
{
    ram_setup();
    kernel64();
    mb_header(0x1000 - 12, 3); /* a multiboot header makes it a multiboot kernel */
    CHECK_EQ(load(K64_SIZE, NULL, NULL, 0), 0);
    CHECK_EQ(ent.mode, GUEST_ENTRY_PROTECTED32);
    CHECK_EQ(ent.rip, 0x200100);
    CHECK_EQ(ent.cr3, 0);
    phdr(64, 1, PT_LOAD, 0x2000, GiB(4), GiB(4), 0x800, 0x800);
    CHECK_ERR(load(K64_SIZE, NULL, NULL, 0), E_RANGE, "segment at 0x100000000 size 0x800 ends beyond 0x100000000");
}

/* ------------------------------------------------------------ misc */

TEST(error_buffer_handling)
{
    ram_setup();
    memset(img, 0, sizeof img);
    char small[8];
    CHECK_EQ(loader_load(img, 0x100, &ram, NULL, NULL, 0, &ent, small, sizeof small), -E_INVAL);
    CHECK_STR(small, "no mult");
    CHECK_EQ(loader_load(img, 0x100, &ram, NULL, NULL, 0, &ent, NULL, 0), -E_INVAL);
    CHECK_EQ(loader_load(NULL, 0x100, &ram, NULL, NULL, 0, &ent, NULL, 0), -E_INVAL);
    CHECK_EQ(loader_load(img, 0x100, NULL, NULL, NULL, 0, &ent, small, sizeof small), -E_INVAL);
    CHECK_EQ(loader_load(img, 0x100, &ram, NULL, NULL, 0, NULL, small, sizeof small), -E_INVAL);
    kernel32();
    err[0] = 'x';
    CHECK_EQ(loader_load(img, K32_SIZE, &ram, NULL, NULL, 0, &ent, err, sizeof err), 0);
    CHECK_EQ(err[0], '\0');
}

TEST(nothing_written_outside_loaded_ranges)
{
    ram_setup();
    kernel32();
    mods_fill();
    const struct loader_module mods[] = {{"m", mod_b, sizeof mod_b, NULL}};
    CHECK_EQ(load(K32_SIZE, "c", mods, 1), 0);
    CHECK(guest_is(0, 0x1000, FILL));
    CHECK(guest_is(0x9000, 0x100000 - 0x9000, FILL));
    CHECK(guest_is(K32_END + 0x10, MiB(4) - K32_END - 0x10, FILL));
    CHECK(guest_is(R1, MiB(4), FILL));
}
