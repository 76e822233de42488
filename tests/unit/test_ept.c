/* EPT builder: a partition's RAM is mapped RWX write-back at its guest
 * addresses, its MMIO RW uncached and not executable, and nothing else;
 * raw entry bits follow the SDM (Vol. 3C 29.3). */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vmx/ept.h"

#define ARENA_PAGES 256
#define ARENA_BASE 0x10000000ull /* host-physical base of the fake table memory */

static uint8_t *arena;
static unsigned used_pages;

static uint64_t alloc_table(void *ctx)
{
    (void)ctx;
    if (used_pages == ARENA_PAGES)
        return 0;
    return ARENA_BASE + (uint64_t)used_pages++ * PAGE_SIZE;
}

static void *to_virt(uint64_t pa) { return arena + (pa - ARENA_BASE); }

static struct page_table fresh(void)
{
    free(arena);
    arena = aligned_alloc(PAGE_SIZE, ARENA_PAGES * PAGE_SIZE);
    memset(arena, 0, ARENA_PAGES * PAGE_SIZE);
    used_pages = 0;
    return (struct page_table){.alloc_table = alloc_table, .phys_to_virt = to_virt};
}

static const struct cfg_partition part = {
    .name = "p",
    .cpus = 1,
    .mem_count = 3,
    .mem = {
        {CFG_MEM_RAM, 0, MiB(64), MiB(32)},
        {CFG_MEM_RAM, MiB(64), MiB(200), MiB(2) + 0x3000}, /* ends unaligned to 2 MiB */
        {CFG_MEM_MMIO, 0xFED00000, 0xFED00000, 0x1000},
    },
};

TEST(ram_maps_at_guest_address_rwx_wb)
{
    struct page_table pt = fresh();
    uint64_t eptp, pa, size;
    unsigned flags;
    CHECK_EQ(ept_build(&pt, &part, &eptp), 0);
    CHECK_EQ(pt_lookup(&pt, 0x1234, &pa, &flags, &size), 0);
    CHECK_EQ(pa, MiB(64) + 0x1234);
    CHECK_EQ(flags, PT_READ | PT_WRITE | PT_EXEC);
    CHECK_EQ(size, MiB(2));
    CHECK_EQ(pt_lookup(&pt, MiB(32) - 1, &pa, NULL, NULL), 0);
    CHECK_EQ(pa, MiB(96) - 1);
    CHECK_EQ(pt_lookup(&pt, MiB(66) + 0x2FFF, &pa, NULL, &size), 0);
    CHECK_EQ(pa, MiB(202) + 0x2FFF);
    CHECK_EQ(size, PAGE_SIZE);
}

TEST(nothing_else_is_mapped)
{
    struct page_table pt = fresh();
    uint64_t eptp;
    CHECK_EQ(ept_build(&pt, &part, &eptp), 0);
    CHECK_EQ(pt_lookup(&pt, MiB(32), NULL, NULL, NULL), -E_NOENT);       /* just past RAM */
    CHECK_EQ(pt_lookup(&pt, MiB(66) + 0x3000, NULL, NULL, NULL), -E_NOENT); /* past region 2 */
    CHECK_EQ(pt_lookup(&pt, 0xFEC00000, NULL, NULL, NULL), -E_NOENT);    /* IOAPIC: trapped */
    CHECK_EQ(pt_lookup(&pt, 0xFEE00000, NULL, NULL, NULL), -E_NOENT);    /* LAPIC MMIO */
    CHECK_EQ(pt_lookup(&pt, 0xFED01000, NULL, NULL, NULL), -E_NOENT);
    CHECK_EQ(pt_lookup(&pt, MiB(64) - PAGE_SIZE, NULL, NULL, NULL), -E_NOENT);
}

TEST(mmio_is_uncached_rw_no_exec)
{
    struct page_table pt = fresh();
    uint64_t eptp, pa;
    unsigned flags;
    CHECK_EQ(ept_build(&pt, &part, &eptp), 0);
    CHECK_EQ(pt_lookup(&pt, 0xFED000F0, &pa, &flags, NULL), 0);
    CHECK_EQ(pa, 0xFED000F0);
    CHECK_EQ(flags, PT_READ | PT_WRITE | PT_UNCACHED);
}

TEST(eptp_and_raw_bits)
{
    struct page_table pt = fresh();
    uint64_t eptp;
    CHECK_EQ(ept_build(&pt, &part, &eptp), 0);
    /* root | walk length 4 (3 << 3) | WB (6) */
    CHECK_EQ(eptp, pt.root_pa | 0x1E);
    CHECK_EQ(pt_format_ept.make_leaf(MiB(64), PT_READ | PT_WRITE | PT_EXEC, 2), MiB(64) | 0x7 | (6 << 3) | 0x40 | 0x80);
    CHECK_EQ(pt_format_ept.make_leaf(0xFED00000, PT_READ | PT_WRITE | PT_UNCACHED, 1), 0xFED00000ull | 0x3 | 0x40);
    CHECK_EQ(pt_format_ept.make_table(0x12345000), 0x12345000ull | 0x7);
    CHECK(!pt_format_ept.is_present(0));
    CHECK(pt_format_ept.is_present(4)); /* execute-only is present in EPT */
}

TEST(out_of_table_memory_is_reported)
{
    struct page_table pt = fresh();
    used_pages = ARENA_PAGES - 2;
    uint64_t eptp = 0;
    CHECK_EQ(ept_build(&pt, &part, &eptp), -E_NOMEM);
    CHECK_EQ(eptp, 0);
}
