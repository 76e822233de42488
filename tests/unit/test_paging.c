/* Tests for arch/x86/paging.c. Page tables live in a host "physical memory"
 * arena whose physical addresses start at ARENA_PHYS, so phys != virt and
 * any use of a physical address as a pointer trips ASan. A second, EPT-like
 * format defined here shows that the walker is generic over pt_format. */
#include <stdlib.h>
#include <string.h>

#include "arch/x86/paging.h"
#include "unit.h"

/* ------------------------------------------------------------------ arena */

#define ARENA_SIZE MiB(4)
#define ARENA_PHYS 0x100000ull

static _Alignas(4096) uint8_t arena_mem[ARENA_SIZE];

static struct arena {
    uint64_t next;   /* offset of the next free page */
    unsigned allocs; /* pages handed out */
    int fail_after;  /* allocations left before failing; -1: never */
} arena;

static uint64_t arena_alloc(void *ctx)
{
    struct arena *a = ctx;
    if (a != &arena) {
        fflush(stdout);
        fprintf(stderr, "alloc_table: wrong ctx\n");
        abort();
    }
    if (a->fail_after == 0 || a->next == ARENA_SIZE)
        return 0;
    if (a->fail_after > 0)
        a->fail_after--;
    memset(arena_mem + a->next, 0, PAGE_SIZE);
    uint64_t pa = ARENA_PHYS + a->next;
    a->next += PAGE_SIZE;
    a->allocs++;
    return pa;
}

static void *arena_p2v(uint64_t pa)
{
    if (pa < ARENA_PHYS || pa >= ARENA_PHYS + arena.next || !IS_ALIGNED(pa, PAGE_SIZE)) {
        fflush(stdout);
        fprintf(stderr, "phys_to_virt(%#llx): not an allocated table\n", (unsigned long long)pa);
        abort();
    }
    return arena_mem + (pa - ARENA_PHYS);
}

static struct page_table new_pt(const struct pt_format *fmt)
{
    struct page_table pt;
    arena.next = 0;
    arena.allocs = 0;
    arena.fail_after = -1;
    memset(arena_mem, 0xa5, sizeof arena_mem); /* tables must not rely on stale zeroes */
    CHECK_EQ(pt_init(&pt, fmt, arena_alloc, arena_p2v, &arena), 0);
    return pt;
}

/* ---------------------------------------------------------------- helpers */

#define ALL_FLAGS (PT_READ | PT_WRITE | PT_EXEC | PT_UNCACHED | PT_GLOBAL)
#define RW (PT_READ | PT_WRITE)
#define RWX (PT_READ | PT_WRITE | PT_EXEC)
#define NX_BIT (1ull << 63)
#define ADDR_BITS 0x000ffffffffff000ull

struct lk {
    int rc;
    uint64_t pa, size;
    unsigned flags;
};

static struct lk lookup(const struct page_table *pt, uint64_t va)
{
    struct lk r = {0};
    r.rc = pt_lookup(pt, va, &r.pa, &r.flags, &r.size);
    return r;
}

/* The raw entry for va at `level`, found by walking with address bits
 * 51:12 (table pointers look like that in both formats tested here). */
static uint64_t raw_entry(const struct page_table *pt, uint64_t va, unsigned level)
{
    uint64_t table = pt->root_pa;
    for (unsigned l = 4;; l--) {
        uint64_t e = ((uint64_t *)arena_p2v(table))[(va >> (12 + 9 * (l - 1))) & 511];
        if (l == level)
            return e;
        table = e & ADDR_BITS;
    }
}

/* Every 4 KiB page of [va, va+len) maps pa+offset with flags (and, when
 * size is not 0, with that page size); checks a page's first and last
 * byte. Reports the first mismatch only. */
static bool mapped(const struct page_table *pt, uint64_t va, uint64_t len, uint64_t pa,
                   unsigned flags, uint64_t size)
{
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        for (uint64_t b = 0; b < PAGE_SIZE; b += PAGE_SIZE - 1) {
            struct lk r = lookup(pt, va + off + b);
            if (r.rc == 0 && r.pa == pa + off + b && r.flags == flags && (!size || r.size == size))
                continue;
            printf("  va %#llx: rc %d pa %#llx flags %#x size %#llx; want pa %#llx flags %#x size %#llx\n",
                   (unsigned long long)(va + off + b), r.rc, (unsigned long long)r.pa, r.flags,
                   (unsigned long long)r.size, (unsigned long long)(pa + off + b), flags,
                   (unsigned long long)size);
            return false;
        }
    }
    return true;
}

static bool unmapped(const struct page_table *pt, uint64_t va, uint64_t len)
{
    for (uint64_t off = 0; off < len; off += PAGE_SIZE)
        if (pt_lookup(pt, va + off, NULL, NULL, NULL) != -E_NOENT) {
            printf("  va %#llx: mapped, want unmapped\n", (unsigned long long)(va + off));
            return false;
        }
    return true;
}

/* ------------------------------------------------------------ x86-64 basics */

TEST(init_allocates_root_and_reports_nomem)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(arena.allocs, 1);
    CHECK_EQ(pt.root_pa, ARENA_PHYS);
    CHECK(unmapped(&pt, 0, MiB(2)));

    arena.fail_after = 0;
    CHECK_EQ(pt_init(&pt, &pt_format_x86_64, arena_alloc, arena_p2v, &arena), -E_NOMEM);
}

TEST(map_4k_and_lookup)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(pt_map(&pt, 0x1234000, 0x5678000, PAGE_SIZE, RW), 0);
    CHECK_EQ(arena.allocs, 4); /* root, PDPT, PD, PT */
    CHECK(mapped(&pt, 0x1234000, PAGE_SIZE, 0x5678000, RW, PAGE_SIZE));
    CHECK(unmapped(&pt, 0x1233000, PAGE_SIZE));
    CHECK(unmapped(&pt, 0x1235000, PAGE_SIZE));

    uint64_t pa = 0;
    CHECK_EQ(pt_lookup(&pt, 0x1234abc, &pa, NULL, NULL), 0); /* NULL outputs are fine */
    CHECK_EQ(pa, 0x5678abc);
}

TEST(raw_bits_4k_rw_nx_and_tables)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(pt_map(&pt, 0x7000, 0xabcd000, PAGE_SIZE, RW), 0);
    CHECK_EQ(raw_entry(&pt, 0x7000, 1), 0xabcd000 | 0x3 | NX_BIT);
    /* Tables: P|RW only (no US, no XD) so that the leaf decides. */
    for (unsigned level = 2; level <= 4; level++)
        CHECK_EQ(raw_entry(&pt, 0x7000, level) & ~ADDR_BITS, 0x3);

    CHECK_EQ(pt_map(&pt, 0x8000, 0x1000, PAGE_SIZE, PT_READ | PT_EXEC), 0);
    CHECK_EQ(raw_entry(&pt, 0x8000, 1), 0x1000 | 0x1);
    CHECK_EQ(pt_map(&pt, 0x9000, 0xfee00000, PAGE_SIZE, RW | PT_UNCACHED | PT_GLOBAL), 0);
    CHECK_EQ(raw_entry(&pt, 0x9000, 1), 0xfee00000 | 0x1 | 0x2 | 0x8 | 0x10 | 0x100 | NX_BIT);
}

TEST(raw_bits_large_pages)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(pt_map(&pt, MiB(2), MiB(6), MiB(2), PT_READ | PT_EXEC | PT_GLOBAL), 0);
    CHECK_EQ(raw_entry(&pt, MiB(2), 2), MiB(6) | 0x1 | 0x80 | 0x100);
    CHECK_EQ(pt_map(&pt, GiB(1), GiB(3), GiB(1), PT_READ | PT_UNCACHED), 0);
    CHECK_EQ(raw_entry(&pt, GiB(1), 3), GiB(3) | 0x1 | 0x8 | 0x10 | 0x80 | NX_BIT);
    /* Highest physical address the format can hold (bit 51). */
    CHECK_EQ(pt_map(&pt, GiB(2), 0x000fffffc0000000ull, GiB(1), RWX), 0);
    CHECK_EQ(raw_entry(&pt, GiB(2), 3), 0x000fffffc0000000ull | 0x83);
}

TEST(x86_format_round_trips_every_flag_combination)
{
    const struct pt_format *f = &pt_format_x86_64;
    const uint64_t pa = 0x000fffffc0000000ull;
    CHECK_EQ(f->max_leaf_level, 3);
    for (unsigned level = 1; level <= 3; level++)
        for (unsigned flags = 0; flags <= ALL_FLAGS; flags++) {
            uint64_t e = f->make_leaf(pa, flags, level);
            CHECK(f->is_present(e));
            CHECK_EQ(level > 1 && f->is_large(e, level), level > 1);
            CHECK_EQ(f->entry_addr(e, level), pa);
            CHECK_EQ(f->entry_flags(e, level), flags | PT_READ);
            CHECK_EQ(e & 0x4, 0); /* never user-accessible */
        }
    for (unsigned level = 2; level <= 4; level++) {
        uint64_t t = f->make_table(0x000ffffffffff000ull);
        CHECK(f->is_present(t));
        CHECK(!f->is_large(t, level));
        CHECK_EQ(f->entry_addr(t, level), 0x000ffffffffff000ull);
    }
    CHECK(!f->is_present(0));
}

/* -------------------------------------------------------- page size choice */

TEST(map_2m_leaf_when_aligned)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(pt_map(&pt, MiB(4), MiB(8), MiB(2), RW), 0);
    CHECK_EQ(arena.allocs, 3); /* root, PDPT, PD: no page table */
    CHECK(mapped(&pt, MiB(4), MiB(2), MiB(8), RW, MiB(2)));
    CHECK(unmapped(&pt, MiB(6), PAGE_SIZE));
}

TEST(map_1g_leaf_when_aligned)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(pt_map(&pt, GiB(2), GiB(1), GiB(1), RWX), 0);
    CHECK_EQ(arena.allocs, 2); /* root, PDPT */
    CHECK(mapped(&pt, GiB(2), GiB(1), GiB(1), RWX, GiB(1)));
    CHECK(unmapped(&pt, GiB(3), PAGE_SIZE));
}

TEST(map_uses_largest_page_per_piece)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    uint64_t va = GiB(1) - MiB(2) - KiB(4), off = GiB(8);
    uint64_t len = KiB(4) + MiB(2) + GiB(1) + MiB(2) + KiB(4);
    CHECK_EQ(pt_map(&pt, va, va + off, len, RW), 0);
    CHECK(mapped(&pt, va, len, va + off, RW, 0));
    CHECK_EQ(lookup(&pt, va).size, KiB(4));
    CHECK_EQ(lookup(&pt, GiB(1) - MiB(2)).size, MiB(2));
    CHECK_EQ(lookup(&pt, GiB(1)).size, GiB(1));
    CHECK_EQ(lookup(&pt, GiB(2)).size, MiB(2));
    CHECK_EQ(lookup(&pt, GiB(2) + MiB(2)).size, KiB(4));
    CHECK(unmapped(&pt, va - KiB(4), KiB(4)));
    CHECK(unmapped(&pt, va + len, KiB(4)));
}

TEST(mixed_alignment_falls_back_to_smaller_pages)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    /* 2 MiB-aligned va, pa only 4 KiB aligned: 4 KiB pages. */
    CHECK_EQ(pt_map(&pt, MiB(10), MiB(6) + KiB(4), MiB(2), RW), 0);
    CHECK(mapped(&pt, MiB(10), MiB(2), MiB(6) + KiB(4), RW, KiB(4)));
    /* 1 GiB-aligned va, pa only 2 MiB aligned: 2 MiB pages. */
    CHECK_EQ(pt_map(&pt, GiB(4), GiB(1) + MiB(2), GiB(1), RW), 0);
    CHECK(mapped(&pt, GiB(4), GiB(1), GiB(1) + MiB(2), RW, MiB(2)));
}

/* ------------------------------------------------------------------- flags */

TEST(flags_encode_and_decode)
{
    static const unsigned sets[] = {
        PT_READ,                  /* read-only, NX */
        RW,                       /* NX */
        PT_READ | PT_EXEC,        /* read-only code */
        RWX | PT_GLOBAL,          /* global */
        RW | PT_UNCACHED,         /* MMIO */
        ALL_FLAGS,
        PT_WRITE, /* PT_READ is implied on x86-64 */
    };
    struct page_table pt = new_pt(&pt_format_x86_64);
    for (unsigned i = 0; i < ARRAY_SIZE(sets); i++) {
        uint64_t va4k = MiB(1) + i * KiB(4), va2m = GiB(1) + i * MiB(2), va1g = GiB(8) + i * GiB(1);
        CHECK_EQ(pt_map(&pt, va4k, 0x40000000 + i * KiB(4), KiB(4), sets[i]), 0);
        CHECK_EQ(pt_map(&pt, va2m, 0x40000000 + i * MiB(2), MiB(2), sets[i]), 0);
        CHECK_EQ(pt_map(&pt, va1g, GiB(1) * i, GiB(1), sets[i]), 0);
        CHECK_EQ(lookup(&pt, va4k).flags, sets[i] | PT_READ);
        CHECK_EQ(lookup(&pt, va2m).flags, sets[i] | PT_READ);
        CHECK_EQ(lookup(&pt, va1g).flags, sets[i] | PT_READ);
        CHECK_EQ((raw_entry(&pt, va4k, 1) & NX_BIT) != 0, !(sets[i] & PT_EXEC));
    }
}

TEST(remap_changes_flags_and_address_in_place)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(pt_map(&pt, MiB(2), MiB(2), MiB(2), RWX), 0);
    CHECK_EQ(pt_map(&pt, MiB(4) + KiB(8), KiB(8), KiB(4), RW), 0);
    unsigned allocs = arena.allocs;

    CHECK_EQ(pt_map(&pt, MiB(2), MiB(10), MiB(2), PT_READ), 0);
    CHECK(mapped(&pt, MiB(2), MiB(2), MiB(10), PT_READ, MiB(2)));
    CHECK_EQ(raw_entry(&pt, MiB(2), 2), MiB(10) | 0x81 | NX_BIT);

    CHECK_EQ(pt_map(&pt, MiB(4) + KiB(8), KiB(12), KiB(4), PT_READ | PT_EXEC | PT_GLOBAL), 0);
    CHECK(mapped(&pt, MiB(4) + KiB(8), KiB(4), KiB(12), PT_READ | PT_EXEC | PT_GLOBAL, KiB(4)));
    CHECK_EQ(raw_entry(&pt, MiB(4) + KiB(8), 1), KiB(12) | 0x101);
    CHECK_EQ(arena.allocs, allocs);
}

/* --------------------------------------------------------------- splitting */

TEST(partial_remap_splits_2m_keeping_the_rest)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    const uint64_t va = MiB(6), pa = MiB(64), hit = va + KiB(28);
    const unsigned f = RWX | PT_GLOBAL;
    CHECK_EQ(pt_map(&pt, va, pa, MiB(2), f), 0);
    unsigned allocs = arena.allocs;

    CHECK_EQ(pt_map(&pt, hit, 0x99000, KiB(4), PT_READ), 0);
    CHECK_EQ(arena.allocs, allocs + 1); /* one page table */
    CHECK(mapped(&pt, va, hit - va, pa, f, KiB(4)));
    CHECK(mapped(&pt, hit, KiB(4), 0x99000, PT_READ, KiB(4)));
    CHECK(mapped(&pt, hit + KiB(4), va + MiB(2) - hit - KiB(4), pa + (hit - va) + KiB(4), f, KiB(4)));
    CHECK(unmapped(&pt, va - KiB(4), KiB(4)));
    CHECK(unmapped(&pt, va + MiB(2), KiB(4)));
}

TEST(partial_remap_splits_1g_keeping_the_rest)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    const uint64_t va = GiB(3), pa = GiB(1), hit = va + 0x12345000;
    const uint64_t chunk = ALIGN_DOWN(hit, MiB(2)); /* the 2 MiB page split further */
    const unsigned f = RW | PT_UNCACHED | PT_GLOBAL;
    CHECK_EQ(pt_map(&pt, va, pa, GiB(1), f), 0);
    unsigned allocs = arena.allocs;

    CHECK_EQ(pt_map(&pt, hit, 0x5000, KiB(4), RWX), 0);
    CHECK_EQ(arena.allocs, allocs + 2); /* a page directory and a page table */
    CHECK(mapped(&pt, va, chunk - va, pa, f, MiB(2)));
    CHECK(mapped(&pt, chunk, hit - chunk, pa + (chunk - va), f, KiB(4)));
    CHECK(mapped(&pt, hit, KiB(4), 0x5000, RWX, KiB(4)));
    CHECK(mapped(&pt, hit + KiB(4), chunk + MiB(2) - hit - KiB(4), pa + (hit - va) + KiB(4), f, KiB(4)));
    CHECK(mapped(&pt, chunk + MiB(2), va + GiB(1) - chunk - MiB(2), pa + (chunk - va) + MiB(2), f, MiB(2)));

    /* A whole 2 MiB piece of the split page gets a 2 MiB leaf. */
    CHECK_EQ(pt_map(&pt, va + MiB(100), MiB(2), MiB(2), PT_READ), 0);
    CHECK_EQ(arena.allocs, allocs + 2);
    CHECK(mapped(&pt, va + MiB(100), MiB(2), MiB(2), PT_READ, MiB(2)));
}

TEST(unmap_splits_large_pages)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    const uint64_t va = GiB(1), pa = GiB(5);
    CHECK_EQ(pt_map(&pt, va, pa, GiB(1), RW), 0);
    unsigned allocs = arena.allocs;

    /* Cuts into the first and third 2 MiB page, removes the second whole. */
    const uint64_t from = va + MiB(2) - KiB(4), to = va + MiB(4) + KiB(4);
    CHECK_EQ(pt_unmap(&pt, from, to - from), 0);
    CHECK_EQ(arena.allocs, allocs + 3); /* a page directory, two page tables */
    CHECK(mapped(&pt, va, from - va, pa, RW, KiB(4)));
    CHECK(unmapped(&pt, from, to - from));
    CHECK(mapped(&pt, to, va + MiB(6) - to, pa + (to - va), RW, KiB(4)));
    CHECK(mapped(&pt, va + MiB(6), GiB(1) - MiB(6), pa + MiB(6), RW, MiB(2)));
}

TEST(unmap_of_holes_is_fine)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(pt_unmap(&pt, 0, GiB(4)), 0);
    CHECK_EQ(arena.allocs, 1); /* nothing allocated for holes */

    CHECK_EQ(pt_map(&pt, MiB(3), MiB(3), KiB(4), RW), 0);
    CHECK_EQ(pt_map(&pt, GiB(2), GiB(2), MiB(2), RW), 0);
    unsigned allocs = arena.allocs;
    CHECK_EQ(pt_unmap(&pt, MiB(2), GiB(4)), 0);
    CHECK_EQ(arena.allocs, allocs);
    CHECK(unmapped(&pt, MiB(3), KiB(4)));
    CHECK(unmapped(&pt, GiB(2), MiB(2)));
    CHECK_EQ(pt_unmap(&pt, MiB(3), KiB(4)), 0); /* twice */
}

TEST(lookup_reports_offsets_within_pages)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(pt_map(&pt, 0x3000, 0x8000, KiB(4), RW), 0);
    CHECK_EQ(pt_map(&pt, MiB(2), MiB(16), MiB(2), RW), 0);
    CHECK_EQ(pt_map(&pt, GiB(1), GiB(7), GiB(1), RW), 0);
    CHECK_EQ(lookup(&pt, 0x3123).pa, 0x8123);
    CHECK_EQ(lookup(&pt, 0x3fff).pa, 0x8fff);
    CHECK_EQ(lookup(&pt, MiB(2) + 0x1abcde).pa, MiB(16) + 0x1abcde);
    CHECK_EQ(lookup(&pt, GiB(1) + 0x3fffffff).pa, GiB(7) + 0x3fffffff);
    CHECK_EQ(lookup(&pt, GiB(1) + 0x3fffffff).size, GiB(1));
}

/* ------------------------------------------------------------------ errors */

TEST(bad_arguments_give_einval_and_change_nothing)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(pt_map(&pt, 0x1001, 0x1000, KiB(4), RW), -E_INVAL);
    CHECK_EQ(pt_map(&pt, 0x1000, 0x1800, KiB(4), RW), -E_INVAL);
    CHECK_EQ(pt_map(&pt, 0x1000, 0x1000, 0x800, RW), -E_INVAL);
    CHECK_EQ(pt_map(&pt, 0x1000, 0x1000, KiB(4), 0x20), -E_INVAL); /* unknown flag */
    CHECK_EQ(pt_map(&pt, 0x0000800000000000ull, 0, KiB(4), RW), -E_INVAL);
    CHECK_EQ(pt_map(&pt, 0xfff0000000000000ull, 0, KiB(4), RW), -E_INVAL);
    /* Ranges that run into the hole or wrap past the top. */
    CHECK_EQ(pt_map(&pt, 0x00007ffffffff000ull, 0, KiB(8), RW), -E_INVAL);
    CHECK_EQ(pt_map(&pt, 0xfffffffffffff000ull, 0, KiB(8), RW), -E_INVAL);
    CHECK_EQ(pt_map(&pt, 0x1000, 0, 0xfffffffffffff000ull, RW), -E_INVAL);
    /* Physical addresses beyond 52 bits or wrapping. */
    CHECK_EQ(pt_map(&pt, 0x1000, 0x0010000000000000ull, KiB(4), RW), -E_INVAL);
    CHECK_EQ(pt_map(&pt, 0x1000, 0x000ffffffffff000ull, KiB(8), RW), -E_INVAL);
    CHECK_EQ(pt_map(&pt, 0x1000, 0xfffffffffffff000ull, KiB(8), RW), -E_INVAL);

    CHECK_EQ(pt_unmap(&pt, 0x1800, KiB(4)), -E_INVAL);
    CHECK_EQ(pt_unmap(&pt, 0x1000, 0x10), -E_INVAL);
    CHECK_EQ(pt_unmap(&pt, 0x0000800000000000ull, KiB(4)), -E_INVAL);
    CHECK_EQ(pt_unmap(&pt, 0x00007ffffffff000ull, KiB(8)), -E_INVAL);
    CHECK_EQ(arena.allocs, 1);

    /* A non-canonical address is simply not mapped. */
    CHECK_EQ(pt_lookup(&pt, 0x0000800000000000ull, NULL, NULL, NULL), -E_NOENT);
}

TEST(zero_length_is_a_no_op)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(pt_map(&pt, 0x1000, 0x1000, 0, RW), 0);
    CHECK_EQ(pt_unmap(&pt, 0x1000, 0), 0);
    CHECK_EQ(arena.allocs, 1);
    CHECK(unmapped(&pt, 0x1000, KiB(4)));
}

TEST(allocation_failure_gives_enomem_keeping_earlier_mappings)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    arena.fail_after = 1;
    CHECK_EQ(pt_map(&pt, 0x5000, 0x5000, KiB(4), RW), -E_NOMEM);
    CHECK(unmapped(&pt, 0x5000, KiB(4)));

    /* First page needs a PD and a PT below the PDPT made above; the second,
     * in the next GiB, another PD and PT. Allow only the first two. */
    uint64_t va = GiB(1) - KiB(4);
    arena.fail_after = 2;
    CHECK_EQ(pt_map(&pt, va, 0x7000, KiB(8), RW), -E_NOMEM);
    CHECK(mapped(&pt, va, KiB(4), 0x7000, RW, KiB(4)));
    CHECK(unmapped(&pt, GiB(1), KiB(4)));

    arena.fail_after = -1;
    CHECK_EQ(pt_map(&pt, va, 0x7000, KiB(8), RW), 0);
    CHECK(mapped(&pt, va, KiB(8), 0x7000, RW, KiB(4)));
}

TEST(failed_split_leaves_large_page_intact)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    CHECK_EQ(pt_map(&pt, MiB(2), MiB(4), MiB(2), RWX), 0);
    CHECK_EQ(pt_map(&pt, GiB(1), GiB(1), GiB(1), RW), 0);
    arena.fail_after = 0;
    CHECK_EQ(pt_map(&pt, MiB(3), 0x1000, KiB(4), PT_READ), -E_NOMEM);
    CHECK_EQ(pt_unmap(&pt, MiB(3), KiB(4)), -E_NOMEM);
    CHECK(mapped(&pt, MiB(2), MiB(2), MiB(4), RWX, MiB(2)));
    /* 1 GiB split succeeds, the 2 MiB split below it fails. */
    arena.fail_after = 1;
    CHECK_EQ(pt_unmap(&pt, GiB(1) + KiB(4), KiB(4)), -E_NOMEM);
    CHECK(mapped(&pt, GiB(1), GiB(1), GiB(1), RW, 0));
}

/* ---------------------------------------------------- upper-half addresses */

TEST(upper_half_canonical_addresses)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    const uint64_t kva = 0xffffffff80000000ull; /* top 2 GiB */
    CHECK_EQ(pt_map(&pt, kva, MiB(16), MiB(2) + KiB(4), RWX | PT_GLOBAL), 0);
    CHECK(mapped(&pt, kva, MiB(2), MiB(16), RWX | PT_GLOBAL, MiB(2)));
    CHECK(mapped(&pt, kva + MiB(2), KiB(4), MiB(18), RWX | PT_GLOBAL, KiB(4)));
    CHECK_EQ(raw_entry(&pt, kva, 4) & 1, 1); /* PML4 slot 511 */
    CHECK_EQ(((uint64_t *)arena_p2v(pt.root_pa))[511], raw_entry(&pt, kva, 4));
    CHECK(unmapped(&pt, kva & 0x00007fffffffffffull, KiB(4))); /* same indexes, PML4 slot 255 */

    /* The very last page and the lowest upper-half page. */
    CHECK_EQ(pt_map(&pt, 0xfffffffffffff000ull, 0x3000, KiB(4), RW), 0);
    CHECK_EQ(lookup(&pt, 0xffffffffffffffffull).pa, 0x3fff);
    CHECK_EQ(pt_map(&pt, 0xffff800000000000ull, GiB(1), GiB(1), RW), 0);
    CHECK(mapped(&pt, 0xffff800000000000ull, GiB(1), GiB(1), RW, GiB(1)));
    CHECK_EQ(pt_unmap(&pt, 0xfffffffffffff000ull, KiB(4)), 0);
    CHECK(unmapped(&pt, 0xfffffffffffff000ull, KiB(4)));
}

/* ----------------------------------------------------------- table reuse */

TEST(tables_are_reused_not_leaked)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    /* 4 KiB pages (pa unaligned), then the whole region remapped aligned:
     * the page table stays and is rewritten, so no allocation. */
    CHECK_EQ(pt_map(&pt, MiB(2), MiB(4) + KiB(4), MiB(2), RW), 0);
    unsigned allocs = arena.allocs;
    for (int i = 0; i < 10; i++) {
        CHECK_EQ(pt_map(&pt, MiB(2), MiB(8), MiB(2), RWX), 0);
        CHECK(mapped(&pt, MiB(2), MiB(2), MiB(8), RWX, KiB(4)));
        CHECK_EQ(pt_unmap(&pt, 0, GiB(1)), 0);
        CHECK(unmapped(&pt, MiB(2), MiB(2)));
        CHECK_EQ(pt_map(&pt, 0, GiB(1), GiB(1), RW), 0); /* the PD stays too */
        CHECK(mapped(&pt, 0, MiB(2), GiB(1), RW, MiB(2)));
    }
    CHECK_EQ(arena.allocs, allocs);
}

/* -------------------------------------------------------- EPT-like format */

/* Shaped like EPT (SDM 3C 29.3): R/W/X in bits 2:0, memory type in 5:3,
 * ignore-PAT in 6, large page in 7, no XD, not present when R=W=X=0. No
 * 1 GiB pages here, to check that max_leaf_level is honoured. */
#define T_R 0x1ull
#define T_W 0x2ull
#define T_X 0x4ull
#define T_MT_WB (6ull << 3)
#define T_IPAT (1ull << 6)
#define T_LARGE (1ull << 7)

static uint64_t t_leaf_mask(unsigned level)
{
    return ADDR_BITS & ~((1ull << (12 + 9 * (level - 1))) - 1);
}

static uint64_t t_make_leaf(uint64_t pa, unsigned flags, unsigned level)
{
    uint64_t e = (pa & t_leaf_mask(level)) | T_IPAT;
    e |= (flags & PT_READ ? T_R : 0) | (flags & PT_WRITE ? T_W : 0) | (flags & PT_EXEC ? T_X : 0);
    e |= flags & PT_UNCACHED ? 0 : T_MT_WB; /* UC is type 0 */
    return level > 1 ? e | T_LARGE : e;
}

static uint64_t t_make_table(uint64_t table_pa) { return (table_pa & ADDR_BITS) | T_R | T_W | T_X; }
static bool t_is_present(uint64_t e) { return e & (T_R | T_W | T_X); }
static bool t_is_large(uint64_t e, unsigned level) { return level > 1 && (e & T_LARGE); }

static uint64_t t_entry_addr(uint64_t e, unsigned level)
{
    return e & (t_is_large(e, level) ? t_leaf_mask(level) : ADDR_BITS);
}

static unsigned t_entry_flags(uint64_t e, unsigned level)
{
    (void)level;
    return (e & T_R ? PT_READ : 0) | (e & T_W ? PT_WRITE : 0) | (e & T_X ? PT_EXEC : 0) |
           ((e & (7ull << 3)) == 0 ? PT_UNCACHED : 0);
}

static const struct pt_format test_ept = {
    .name = "ept-like",
    .make_leaf = t_make_leaf,
    .make_table = t_make_table,
    .is_present = t_is_present,
    .is_large = t_is_large,
    .entry_addr = t_entry_addr,
    .entry_flags = t_entry_flags,
    .max_leaf_level = 2,
};

TEST(ept_like_format_raw_bits)
{
    struct page_table pt = new_pt(&test_ept);
    CHECK_EQ(pt_map(&pt, 0x1000, 0xabc000, KiB(4), RWX), 0);
    CHECK_EQ(raw_entry(&pt, 0x1000, 1), 0xabc000 | 0x7 | T_MT_WB | T_IPAT);
    for (unsigned level = 2; level <= 4; level++)
        CHECK_EQ(raw_entry(&pt, 0x1000, level) & ~ADDR_BITS, 0x7);
    CHECK_EQ(pt_map(&pt, MiB(2), 0xfe000000, MiB(2), RW | PT_UNCACHED), 0);
    CHECK_EQ(raw_entry(&pt, MiB(2), 2), 0xfe000000 | 0x3 | T_IPAT | T_LARGE);
    CHECK(mapped(&pt, MiB(2), MiB(2), 0xfe000000, RW | PT_UNCACHED, MiB(2)));
}

TEST(ept_like_format_without_1g_pages_uses_2m)
{
    struct page_table pt = new_pt(&test_ept);
    CHECK_EQ(pt_map(&pt, GiB(1), GiB(2), GiB(1), PT_READ | PT_EXEC), 0);
    CHECK_EQ(arena.allocs, 3); /* root, PDPT, PD */
    CHECK(mapped(&pt, GiB(1), GiB(1), GiB(2), PT_READ | PT_EXEC, MiB(2)));
}

TEST(ept_like_format_split_and_flags)
{
    struct page_table pt = new_pt(&test_ept);
    CHECK_EQ(pt_map(&pt, MiB(4), MiB(4), MiB(2), RWX), 0);
    /* Execute-only, uncached: representable in EPT, unlike x86-64. */
    CHECK_EQ(pt_map(&pt, MiB(5), 0x9000, KiB(4), PT_EXEC | PT_UNCACHED), 0);
    CHECK(mapped(&pt, MiB(4), MiB(1), MiB(4), RWX, KiB(4)));
    CHECK(mapped(&pt, MiB(5), KiB(4), 0x9000, PT_EXEC | PT_UNCACHED, KiB(4)));
    CHECK(mapped(&pt, MiB(5) + KiB(4), MiB(1) - KiB(4), MiB(5) + KiB(4), RWX, KiB(4)));
    CHECK_EQ(pt_unmap(&pt, MiB(4), KiB(8)), 0);
    CHECK(unmapped(&pt, MiB(4), KiB(8)));
    /* No global bit in EPT: the format drops it. */
    CHECK_EQ(pt_map(&pt, GiB(1), 0, KiB(4), PT_READ | PT_GLOBAL), 0);
    CHECK_EQ(lookup(&pt, GiB(1)).flags, PT_READ);
}

/* ------------------------------------------------- randomised, vs a model */

#define W_BASE (GiB(1) - MiB(8)) /* window straddling two 1 GiB boundaries */
#define W_LEN (GiB(1) + MiB(16))
#define W_PAGES (W_LEN / PAGE_SIZE)

struct model_page {
    uint64_t pa; /* ~0: unmapped */
    unsigned flags;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static bool model_check(const struct page_table *pt, const struct model_page *m, uint64_t page)
{
    uint64_t off = rng() & (PAGE_SIZE - 1);
    struct lk r = lookup(pt, W_BASE + page * PAGE_SIZE + off);
    if (m[page].pa == ~0ull ? r.rc == -E_NOENT
                            : r.rc == 0 && r.pa == m[page].pa + off && r.flags == m[page].flags)
        return true;
    printf("  page %#llx: rc %d pa %#llx flags %#x; model pa %#llx flags %#x\n",
           (unsigned long long)page, r.rc, (unsigned long long)r.pa, r.flags,
           (unsigned long long)m[page].pa, m[page].flags);
    return false;
}

/* A random op on the window, aligned to 4 KiB, 2 MiB or 1 GiB. */
static void random_op(struct page_table *pt, struct model_page *m, uint64_t *first, uint64_t *count)
{
    static const uint64_t units[] = {KiB(4), MiB(2), GiB(1)};
    uint64_t unit = units[rng() % 10 < 4 ? 0 : rng() % 10 < 7 ? 1 : 2];
    uint64_t va = ALIGN_UP(W_BASE + rng() % W_LEN, unit);
    if (va >= W_BASE + W_LEN)
        va = ALIGN_UP(W_BASE, unit);
    uint64_t want = unit * (1 + rng() % 8); /* MIN() evaluates twice */
    uint64_t len = MIN(want, W_BASE + W_LEN - va);
    uint64_t pa = ALIGN_DOWN(rng() % GiB(64), unit) + (rng() % 4 == 0 ? KiB(4) : 0);
    unsigned flags = (unsigned)(rng() % (ALL_FLAGS + 1));
    bool unmap = rng() % 10 < 3;

    CHECK_EQ(unmap ? pt_unmap(pt, va, len) : pt_map(pt, va, pa, len, flags), 0);
    *first = (va - W_BASE) / PAGE_SIZE;
    *count = len / PAGE_SIZE;
    for (uint64_t i = 0; i < *count; i++) {
        m[*first + i].pa = unmap ? ~0ull : pa + i * PAGE_SIZE;
        m[*first + i].flags = flags | PT_READ;
    }
}

TEST(random_maps_and_unmaps_match_a_model)
{
    struct page_table pt = new_pt(&pt_format_x86_64);
    struct model_page *m = malloc(W_PAGES * sizeof *m);
    for (uint64_t i = 0; i < W_PAGES; i++)
        m[i].pa = ~0ull;
    bool ok = true;
    for (int op = 0; op < 300 && ok; op++) {
        uint64_t first, count;
        random_op(&pt, m, &first, &count);
        ok = model_check(&pt, m, first) && model_check(&pt, m, first + count - 1);
        if (first > 0)
            ok = ok && model_check(&pt, m, first - 1);
        if (first + count < W_PAGES)
            ok = ok && model_check(&pt, m, first + count);
        for (int i = 0; i < 300 && ok; i++)
            ok = model_check(&pt, m, rng() % W_PAGES);
    }
    for (uint64_t i = 0; i < W_PAGES && ok; i++)
        ok = model_check(&pt, m, i);
    CHECK(ok);
    CHECK(unmapped(&pt, W_BASE - KiB(4), KiB(4)));
    CHECK(unmapped(&pt, W_BASE + W_LEN, KiB(4)));
    free(m);
}
