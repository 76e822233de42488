/* Boot-module placement: modules go to the top of usable RAM below the
 * limit, never over the hypervisor, low memory or a module's current
 * place; contents survive the move. */
#include <stdlib.h>
#include <string.h>

#include "hv/boot_modules.h"
#include "unit.h"

static void add_ram(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
    bi->mmap[bi->mmap_count++] = (struct mem_range){base, len, type};
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t size)
{
    struct boot_module *m = &bi->modules[bi->module_count++];
    m->start = start;
    m->end = start + size;
}

static const struct mem_range avoid_std[] = {
    {0, MiB(1), MEM_RESERVED},
    {MiB(2), MiB(1), MEM_RESERVED}, /* the hypervisor image */
};

TEST(no_modules_needs_nothing)
{
    struct boot_info bi = {0};
    uint64_t dest = 1, total = 1;
    add_ram(&bi, MiB(1), MiB(100), MEM_USABLE);
    CHECK_EQ(modules_plan(&bi, avoid_std, 2, GiB(4), &dest, &total), 0);
    CHECK_EQ(dest, 0);
    CHECK_EQ(total, 0);
}

TEST(goes_to_top_of_highest_range_below_limit)
{
    struct boot_info bi = {0};
    uint64_t dest, total;
    add_ram(&bi, 0, 0x9F000, MEM_USABLE);
    add_ram(&bi, MiB(1), MiB(511), MEM_USABLE);
    add_ram(&bi, GiB(4), GiB(4), MEM_USABLE); /* above the limit: unused */
    add_module(&bi, MiB(3), 5000);            /* GRUB: right after the image */
    add_module(&bi, MiB(3) + 8192, 100);
    CHECK_EQ(modules_plan(&bi, avoid_std, 2, GiB(4), &dest, &total), 0);
    CHECK_EQ(total, 8192 + 4096);
    CHECK_EQ(dest, MiB(512) - total);
}

TEST(skips_reserved_types_and_unaligned_ends)
{
    struct boot_info bi = {0};
    uint64_t dest, total;
    add_ram(&bi, MiB(1), MiB(63) + 123, MEM_USABLE);
    add_ram(&bi, MiB(64), MiB(64), MEM_ACPI_RECLAIM);
    add_module(&bi, MiB(3), 4096);
    CHECK_EQ(modules_plan(&bi, avoid_std, 2, GiB(4), &dest, &total), 0);
    CHECK_EQ(dest, MiB(64) - 4096);
}

TEST(steps_below_a_module_in_the_way)
{
    struct boot_info bi = {0};
    uint64_t dest, total;
    add_ram(&bi, MiB(1), MiB(15), MEM_USABLE);
    add_module(&bi, MiB(15), MiB(1)); /* sits at the very top */
    CHECK_EQ(modules_plan(&bi, avoid_std, 2, GiB(4), &dest, &total), 0);
    CHECK_EQ(total, MiB(1));
    CHECK_EQ(dest, MiB(14));
}

TEST(steps_below_an_avoided_range)
{
    struct boot_info bi = {0};
    uint64_t dest, total;
    const struct mem_range avoid[] = {{MiB(12), MiB(4), MEM_RESERVED}};
    add_ram(&bi, MiB(1), MiB(15), MEM_USABLE);
    add_module(&bi, MiB(2), MiB(2));
    CHECK_EQ(modules_plan(&bi, avoid, 1, GiB(4), &dest, &total), 0);
    CHECK_EQ(dest, MiB(10));
}

TEST(fails_when_nothing_fits)
{
    struct boot_info bi = {0};
    uint64_t dest, total;
    add_ram(&bi, MiB(1), MiB(7), MEM_USABLE);
    add_module(&bi, MiB(3), MiB(4)); /* needs 4 MiB elsewhere: only 1+1 left */
    CHECK_EQ(modules_plan(&bi, avoid_std, 2, GiB(4), &dest, &total), -E_NOMEM);
    CHECK_EQ(dest, 0);
}

TEST(never_uses_page_zero)
{
    struct boot_info bi = {0};
    uint64_t dest, total;
    add_ram(&bi, 0, 0x9F000, MEM_USABLE);
    add_module(&bi, MiB(3), 0x9E000);
    CHECK_EQ(modules_plan(&bi, NULL, 0, GiB(4), &dest, &total), 0);
    CHECK_EQ(dest, 0x1000);
}

static uint8_t *arena;
static void *arena_virt(uint64_t pa) { return arena + pa; }

TEST(move_keeps_contents_and_updates_addresses)
{
    struct boot_info bi = {0};
    arena = calloc(1, MiB(1));
    add_ram(&bi, 0x1000, MiB(1) - 0x1000, MEM_USABLE);
    add_module(&bi, 0x2000, 5000);
    add_module(&bi, 0x4000, 3);
    for (int i = 0; i < 5000; i++)
        arena[0x2000 + i] = (uint8_t)(i * 7);
    memcpy(arena + 0x4000, "abc", 3);
    uint64_t dest, total;
    CHECK_EQ(modules_plan(&bi, NULL, 0, MiB(1), &dest, &total), 0);
    CHECK_EQ(dest, MiB(1) - 3 * 4096);
    modules_move(&bi, dest, arena_virt);
    CHECK_EQ(bi.modules[0].start, dest);
    CHECK_EQ(bi.modules[0].end, dest + 5000);
    CHECK_EQ(bi.modules[1].start, dest + 8192);
    CHECK_EQ(bi.modules[1].end, dest + 8192 + 3);
    int same = 1;
    for (int i = 0; i < 5000; i++)
        same &= arena[dest + i] == (uint8_t)(i * 7);
    CHECK(same);
    CHECK(memcmp(arena + dest + 8192, "abc", 3) == 0);
    free(arena);
}
