/* Tests for hv/multiboot.c. A host buffer stands in for physical memory:
 * a "physical address" is an offset into it, and the reader refuses
 * anything that reaches past its end. */
#include <string.h>

#include "hv/multiboot.h"
#include "unit.h"

#define MEM_SIZE 0x10000u
#define MBI 0x100u       /* info structure */
#define STRINGS 0x1000u  /* string area */
#define MODS 0x3000u     /* module entries */
#define MMAP 0x4000u     /* memory map */

#define F_MEM (1u << 0)
#define F_CMDLINE (1u << 2)
#define F_MODS (1u << 3)
#define F_MMAP (1u << 6)
#define F_LOADER (1u << 9)

static uint8_t mem[MEM_SIZE];
static uint32_t str_next;
static struct boot_info bi;

static const void *reader(uint64_t pa, size_t len)
{
    if (pa > MEM_SIZE || len > MEM_SIZE - pa)
        return NULL;
    return mem + pa;
}

static void put32(uint32_t pa, uint32_t v) { memcpy(mem + pa, &v, 4); }
static void put64(uint32_t pa, uint64_t v) { memcpy(mem + pa, &v, 8); }

static uint32_t add_string(const char *s)
{
    uint32_t pa = str_next;
    memcpy(mem + pa, s, strlen(s) + 1);
    str_next += (uint32_t)strlen(s) + 1;
    return pa;
}

static void reset(uint32_t flags)
{
    memset(mem, 0, sizeof mem);
    memset(&bi, 0xa5, sizeof bi); /* the parser must clear it */
    str_next = STRINGS;
    put32(MBI + 0, flags);
}

/* Appends a map entry whose size field is `size` (>= 20); returns the
 * offset of the next entry. */
static uint32_t add_mmap(uint32_t off, uint32_t size, uint64_t base, uint64_t len, uint32_t type)
{
    put32(MMAP + off, size);
    put64(MMAP + off + 4, base);
    put64(MMAP + off + 12, len);
    put32(MMAP + off + 20, type);
    return off + 4 + size;
}

static void set_mmap(uint32_t length)
{
    put32(MBI + 44, length);
    put32(MBI + 48, MMAP);
}

static void set_module(uint32_t i, uint32_t start, uint32_t end, uint32_t string)
{
    put32(MODS + i * 16 + 0, start);
    put32(MODS + i * 16 + 4, end);
    put32(MODS + i * 16 + 8, string);
}

static void set_modules(uint32_t count)
{
    put32(MBI + 20, count);
    put32(MBI + 24, MODS);
}

/* unit.h's CHECK_STR trips -Wformat-truncation on the large arrays of
 * struct boot_info; this one caps what it prints. */
static void check_text(int line, const char *got, const char *want)
{
    if (strcmp(got, want) != 0) {
        char m[512];
        snprintf(m, sizeof m, "got \"%.200s\", want \"%.200s\"", got, want);
        unit_fail(__FILE__, line, m);
    }
}
#define CHECK_TEXT(got, want) check_text(__LINE__, got, want)

static int parse(void) { return multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, MBI, reader, &bi); }

TEST(all_fields)
{
    reset(F_MEM | F_CMDLINE | F_MODS | F_MMAP | F_LOADER);
    put32(MBI + 4, 639);
    put32(MBI + 8, 130048);
    put32(MBI + 16, add_string("build/hv.elf console=com1"));
    set_modules(2);
    set_module(0, 0x200000, 0x230d40, add_string("build/selftest.bin seed=12345 len=200000"));
    set_module(1, 0x231000, 0x231000, add_string("guest.bin"));
    uint32_t off = add_mmap(0, 20, 0, 0x9fc00, MEM_USABLE);
    off = add_mmap(off, 24, 0xf0000, 0x10000, MEM_RESERVED); /* 4 bytes of padding */
    off = add_mmap(off, 20, 0x100000, 0x7ee0000, MEM_USABLE);
    off = add_mmap(off, 20, 0xfffc0000, 0x40000, MEM_ACPI_NVS);
    set_mmap(off);
    put32(MBI + 64, add_string("GRUB 2.06"));

    CHECK_EQ(parse(), E_OK);
    CHECK_EQ(bi.mem_lower_kb, 639);
    CHECK_EQ(bi.mem_upper_kb, 130048);
    CHECK_TEXT(bi.cmdline, "build/hv.elf console=com1");
    CHECK_TEXT(bi.loader_name, "GRUB 2.06");
    CHECK_EQ(bi.module_count, 2);
    CHECK_EQ(bi.modules[0].start, 0x200000);
    CHECK_EQ(bi.modules[0].end, 0x230d40);
    CHECK_TEXT(bi.modules[0].name, "selftest.bin");
    CHECK_TEXT(bi.modules[0].args, "seed=12345 len=200000");
    CHECK_TEXT(bi.modules[1].name, "guest.bin");
    CHECK_TEXT(bi.modules[1].args, "");
    CHECK_EQ(bi.modules[1].end, 0x231000);
    CHECK_EQ(bi.mmap_count, 4);
    CHECK_EQ(bi.mmap[1].base, 0xf0000);
    CHECK_EQ(bi.mmap[1].len, 0x10000);
    CHECK_EQ(bi.mmap[1].type, MEM_RESERVED);
    CHECK_EQ(bi.mmap[2].base, 0x100000);
    CHECK_EQ(bi.mmap[3].base, 0xfffc0000);
    CHECK_EQ(bi.mmap[3].type, MEM_ACPI_NVS);
    CHECK_EQ(boot_usable_bytes(&bi), 0x9fc00 + 0x7ee0000);
}

TEST(no_flags_gives_empty_info)
{
    reset(0);
    /* Garbage in fields whose flags are clear must not be read. */
    put32(MBI + 16, 0xfffffff0);
    set_modules(1000);
    put32(MBI + 24, 0xfffffff0);
    put32(MBI + 44, 100000);
    put32(MBI + 48, 0xfffffff0);
    put32(MBI + 64, 0xfffffff0);
    CHECK_EQ(parse(), E_OK);
    CHECK_TEXT(bi.cmdline, "");
    CHECK_TEXT(bi.loader_name, "");
    CHECK_EQ(bi.mmap_count, 0);
    CHECK_EQ(bi.module_count, 0);
    CHECK_EQ(bi.mem_lower_kb, 0);
    CHECK_EQ(bi.mem_upper_kb, 0);
    CHECK_EQ(boot_usable_bytes(&bi), 0);
}

TEST(no_mmap_flag_ignores_map)
{
    reset(F_CMDLINE);
    put32(MBI + 16, add_string("quiet"));
    set_mmap(add_mmap(0, 20, 0, 0x1000, MEM_USABLE));
    CHECK_EQ(parse(), E_OK);
    CHECK_TEXT(bi.cmdline, "quiet");
    CHECK_EQ(bi.mmap_count, 0);
}

TEST(wrong_magic)
{
    reset(0);
    CHECK_EQ(multiboot_parse(0x36d76289, MBI, reader, &bi), -E_INVAL);
}

TEST(too_many_map_entries)
{
    reset(F_MMAP);
    uint32_t off = 0;
    for (int i = 0; i < BOOT_MAX_MMAP; i++)
        off = add_mmap(off, 20, (uint64_t)i << 20, 1 << 20, MEM_USABLE);
    set_mmap(off);
    CHECK_EQ(parse(), E_OK);
    CHECK_EQ(bi.mmap_count, BOOT_MAX_MMAP);
    CHECK_EQ(boot_usable_bytes(&bi), (uint64_t)BOOT_MAX_MMAP << 20);
    set_mmap(add_mmap(off, 20, 0, 1, MEM_USABLE));
    CHECK_EQ(parse(), -E_NOMEM);
}

TEST(too_many_modules)
{
    reset(F_MODS);
    for (uint32_t i = 0; i <= BOOT_MAX_MODULES; i++)
        set_module(i, i * 0x1000, i * 0x1000 + 1, add_string("m.bin"));
    set_modules(BOOT_MAX_MODULES);
    CHECK_EQ(parse(), E_OK);
    CHECK_EQ(bi.module_count, BOOT_MAX_MODULES);
    set_modules(BOOT_MAX_MODULES + 1);
    CHECK_EQ(parse(), -E_NOMEM);
}

TEST(malformed_map_and_modules)
{
    reset(F_MMAP);
    set_mmap(add_mmap(0, 16, 0, 0x1000, MEM_USABLE)); /* size below 20 */
    CHECK_EQ(parse(), -E_INVAL);
    set_mmap(add_mmap(0, 20, 0, 0x1000, MEM_USABLE) - 1); /* entry overruns length */
    CHECK_EQ(parse(), -E_INVAL);
    set_mmap(add_mmap(0, 20, 0, 0x1000, MEM_USABLE) + 2); /* trailing bytes */
    CHECK_EQ(parse(), -E_INVAL);
    set_mmap(0);
    CHECK_EQ(parse(), E_OK);
    CHECK_EQ(bi.mmap_count, 0);

    reset(F_MODS);
    set_modules(1);
    set_module(0, 0x2000, 0x1fff, 0); /* ends before it starts */
    CHECK_EQ(parse(), -E_INVAL);
}

TEST(out_of_range_pointers)
{
    reset(0);
    CHECK_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, MEM_SIZE - 2, reader, &bi), -E_RANGE);
    CHECK_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, 0xffffffffu, reader, &bi), -E_RANGE);

    reset(F_CMDLINE);
    put32(MBI + 16, MEM_SIZE + 8);
    CHECK_EQ(parse(), -E_RANGE);

    reset(F_LOADER);
    put32(MBI + 64, 0xfffffff0);
    CHECK_EQ(parse(), -E_RANGE);

    reset(F_MODS);
    set_modules(2);
    put32(MBI + 24, MEM_SIZE - 20); /* second entry runs off the end */
    CHECK_EQ(parse(), -E_RANGE);

    reset(F_MODS);
    set_modules(1);
    set_module(0, 0, 0x1000, MEM_SIZE + 1);
    CHECK_EQ(parse(), -E_RANGE);

    reset(F_MMAP);
    put32(MBI + 44, 24);
    put32(MBI + 48, MEM_SIZE - 8);
    put32(MEM_SIZE - 8, 20); /* the entry body runs off the end */
    CHECK_EQ(parse(), -E_RANGE);
}

TEST(unterminated_string_at_end_of_memory)
{
    reset(F_CMDLINE);
    memset(mem + MEM_SIZE - 10, 'a', 10);
    put32(MBI + 16, MEM_SIZE - 10);
    CHECK_EQ(parse(), -E_RANGE);
}

TEST(module_strings)
{
    static const struct {
        const char *str, *name, *args;
    } cases[] = {
        {"build/x.bin args", "x.bin", "args"},
        {"x.bin", "x.bin", ""},
        {"/boot/dir/y.bin   a  b ", "y.bin", "a  b "},
        {"  lead.bin x", "lead.bin", "x"},
        {"", "", ""},
        {"dir/", "", ""},
        {"a.bin  ", "a.bin", ""},
    };
    reset(F_MODS);
    size_t n = sizeof cases / sizeof cases[0];
    for (uint32_t i = 0; i < n; i++)
        set_module(i, 0x1000, 0x2000, add_string(cases[i].str));
    set_module((uint32_t)n, 0x1000, 0x2000, 0); /* no string at all */
    set_modules((uint32_t)n + 1);
    CHECK_EQ(parse(), E_OK);
    CHECK_EQ(bi.module_count, n + 1);
    for (size_t i = 0; i < n; i++) {
        CHECK_TEXT(bi.modules[i].name, cases[i].name);
        CHECK_TEXT(bi.modules[i].args, cases[i].args);
    }
    CHECK_TEXT(bi.modules[n].name, "");
    CHECK_TEXT(bi.modules[n].args, "");
}

static void fill_string(char *s, size_t len, char c)
{
    memset(s, c, len);
    s[len] = '\0';
}

TEST(overlong_strings_are_truncated)
{
    char big[1200], want[600];
    reset(F_CMDLINE | F_LOADER | F_MODS);
    fill_string(big, 700, 'c');
    put32(MBI + 16, add_string(big));
    fill_string(big, 100, 'l');
    put32(MBI + 64, add_string(big));
    /* A long path, a long basename and long args. */
    memset(big, 'd', 300);
    big[300] = '/';
    fill_string(big + 301, 100, 'n');
    big[401] = ' ';
    fill_string(big + 402, 400, 'a');
    set_modules(2);
    set_module(0, 0, 0x1000, add_string(big));
    /* A long directory then a short basename. */
    memset(big, 'd', 200);
    strcpy(big + 200, "/short.bin x");
    set_module(1, 0, 0x1000, add_string(big));

    CHECK_EQ(parse(), E_OK);
    fill_string(want, BOOT_CMDLINE_MAX - 1, 'c');
    CHECK_TEXT(bi.cmdline, want);
    fill_string(want, BOOT_NAME_MAX - 1, 'l');
    CHECK_TEXT(bi.loader_name, want);
    fill_string(want, BOOT_NAME_MAX - 1, 'n');
    CHECK_TEXT(bi.modules[0].name, want);
    fill_string(want, BOOT_ARGS_MAX - 1, 'a');
    CHECK_TEXT(bi.modules[0].args, want);
    CHECK_TEXT(bi.modules[1].name, "short.bin");
    CHECK_TEXT(bi.modules[1].args, "x");
}

TEST(null_string_pointers_read_as_empty)
{
    reset(F_CMDLINE | F_LOADER);
    CHECK_EQ(parse(), E_OK);
    CHECK_TEXT(bi.cmdline, "");
    CHECK_TEXT(bi.loader_name, "");
}

TEST(usable_bytes_saturate)
{
    struct boot_info b = {.mmap_count = 3};
    b.mmap[0] = (struct mem_range){0, UINT64_MAX - 5, MEM_USABLE};
    b.mmap[1] = (struct mem_range){0, 100, MEM_RESERVED};
    b.mmap[2] = (struct mem_range){0, 10, MEM_USABLE};
    CHECK_EQ(boot_usable_bytes(&b), UINT64_MAX);
}

TEST(mem_type_names)
{
    CHECK_TEXT(mem_type_name(MEM_USABLE), "usable");
    CHECK_TEXT(mem_type_name(MEM_RESERVED), "reserved");
    CHECK_TEXT(mem_type_name(MEM_ACPI_RECLAIM), "ACPI reclaimable");
    CHECK_TEXT(mem_type_name(MEM_ACPI_NVS), "ACPI NVS");
    CHECK_TEXT(mem_type_name(MEM_BAD), "bad");
    CHECK_TEXT(mem_type_name(0), "unknown");
    CHECK_TEXT(mem_type_name(6), "unknown");
    CHECK_TEXT(mem_type_name(0xffffffffu), "unknown");
}
