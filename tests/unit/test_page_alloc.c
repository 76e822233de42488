/* Tests for hv/page_alloc.c, ending with a random workout checked against
 * a one-byte-per-page model. */
#include <stdlib.h>
#include <string.h>

#include "hv/page_alloc.h"
#include "unit.h"

#define BASE MiB(1)
#define NPAGES 1000 /* not a multiple of 64 */

static struct page_alloc pa;
static uint64_t bitmap[4096 / 64];

static uint64_t count_free(void)
{
    uint64_t n = 0;
    for (uint64_t i = 0; i < pa.npages; i++)
        n += page_is_free(&pa, pa.base + i * PAGE_SIZE);
    return n;
}

static void setup(uint64_t base, uint64_t npages)
{
    CHECK(npages <= sizeof bitmap * 8);
    memset(bitmap, 0, sizeof bitmap);
    page_alloc_init(&pa, bitmap, base, npages);
}

TEST(init_all_used)
{
    setup(BASE, NPAGES);
    CHECK_EQ(pa.free_pages, 0);
    CHECK_EQ(count_free(), 0);
    CHECK_EQ(page_alloc_pages(&pa, 1, PAGE_SIZE, UINT64_MAX), 0);
    CHECK(!page_is_free(&pa, BASE));
    CHECK(!page_is_free(&pa, BASE - PAGE_SIZE));
    CHECK(!page_is_free(&pa, BASE + NPAGES * PAGE_SIZE));
}

TEST(add_free_rounds_inward)
{
    setup(BASE, NPAGES);
    page_alloc_add_free(&pa, BASE + 0x800, 3 * PAGE_SIZE); /* pages 1 and 2 whole */
    CHECK_EQ(pa.free_pages, 2);
    CHECK(!page_is_free(&pa, BASE));
    CHECK(page_is_free(&pa, BASE + PAGE_SIZE));
    CHECK(page_is_free(&pa, BASE + 2 * PAGE_SIZE + 0xfff));
    CHECK(!page_is_free(&pa, BASE + 3 * PAGE_SIZE));
    page_alloc_add_free(&pa, BASE + 10 * PAGE_SIZE + 1, PAGE_SIZE); /* no whole page */
    page_alloc_add_free(&pa, BASE + 20 * PAGE_SIZE, 0);
    CHECK_EQ(pa.free_pages, 2);
    page_alloc_add_free(&pa, BASE, 2 * PAGE_SIZE); /* overlaps a free page */
    CHECK_EQ(pa.free_pages, 3);
    CHECK_EQ(count_free(), 3);
}

TEST(reserve_rounds_outward)
{
    setup(BASE, NPAGES);
    page_alloc_add_free(&pa, BASE, NPAGES * PAGE_SIZE);
    CHECK_EQ(pa.free_pages, NPAGES);
    page_alloc_reserve(&pa, BASE + 5 * PAGE_SIZE - 1, 2); /* touches pages 4 and 5 */
    CHECK_EQ(pa.free_pages, NPAGES - 2);
    CHECK(!page_is_free(&pa, BASE + 4 * PAGE_SIZE));
    CHECK(!page_is_free(&pa, BASE + 5 * PAGE_SIZE));
    CHECK(page_is_free(&pa, BASE + 6 * PAGE_SIZE));
    page_alloc_reserve(&pa, BASE + 4 * PAGE_SIZE, PAGE_SIZE + 1); /* already used */
    CHECK_EQ(pa.free_pages, NPAGES - 2);
    page_alloc_reserve(&pa, BASE + 100 * PAGE_SIZE, 0);
    CHECK_EQ(pa.free_pages, NPAGES - 2);
    CHECK_EQ(count_free(), NPAGES - 2);
}

TEST(ranges_partly_outside_window)
{
    setup(BASE, NPAGES);
    page_alloc_add_free(&pa, 0, BASE + 3 * PAGE_SIZE);
    CHECK_EQ(pa.free_pages, 3);
    page_alloc_add_free(&pa, BASE + (NPAGES - 2) * PAGE_SIZE, GiB(4));
    CHECK_EQ(pa.free_pages, 5);
    page_alloc_add_free(&pa, GiB(1), GiB(1)); /* wholly above */
    page_alloc_add_free(&pa, 0, BASE);        /* wholly below */
    page_alloc_add_free(&pa, UINT64_MAX - 10, 100); /* wraps */
    CHECK_EQ(pa.free_pages, 5);
    page_alloc_reserve(&pa, BASE - PAGE_SIZE, 2 * PAGE_SIZE);
    CHECK_EQ(pa.free_pages, 4);
    page_alloc_reserve(&pa, BASE + (NPAGES - 1) * PAGE_SIZE, UINT64_MAX);
    CHECK_EQ(pa.free_pages, 3);
    CHECK_EQ(count_free(), 3);
    page_alloc_add_free(&pa, 0, UINT64_MAX);
    CHECK_EQ(pa.free_pages, NPAGES);
    page_alloc_reserve(&pa, 0, UINT64_MAX);
    CHECK_EQ(pa.free_pages, 0);
}

TEST(allocations_are_in_window_and_distinct)
{
    setup(BASE, NPAGES);
    page_alloc_add_free(&pa, BASE, NPAGES * PAGE_SIZE);
    uint64_t a = page_alloc_pages(&pa, 1, PAGE_SIZE, UINT64_MAX);
    uint64_t b = page_alloc_pages(&pa, 3, PAGE_SIZE, UINT64_MAX);
    CHECK(a >= BASE && b >= BASE && a != b);
    CHECK(b + 3 * PAGE_SIZE <= BASE + NPAGES * PAGE_SIZE);
    CHECK(a + PAGE_SIZE <= b || b + 3 * PAGE_SIZE <= a);
    CHECK(!page_is_free(&pa, a));
    CHECK(!page_is_free(&pa, b + 2 * PAGE_SIZE));
    CHECK_EQ(pa.free_pages, NPAGES - 4);
    CHECK_EQ(page_alloc_pages(&pa, 0, PAGE_SIZE, UINT64_MAX), 0);
    CHECK_EQ(page_alloc_pages(&pa, 1, 3 * PAGE_SIZE, UINT64_MAX), 0); /* not a power of 2 */
    CHECK(page_alloc_pages(&pa, 1, 0, UINT64_MAX) != 0);              /* means PAGE_SIZE */
}

TEST(aligned_allocation)
{
    /* The window starts off a 2 MiB boundary. */
    setup(MiB(1), 2048);
    page_alloc_add_free(&pa, MiB(1), 2048 * PAGE_SIZE);
    uint64_t small = page_alloc_pages(&pa, 1, PAGE_SIZE, UINT64_MAX);
    CHECK_EQ(small, MiB(1));
    uint64_t big = page_alloc_pages(&pa, 512, MiB(2), UINT64_MAX);
    CHECK_EQ(big, MiB(2));
    CHECK_EQ(page_alloc_pages(&pa, 512, MiB(2), UINT64_MAX), MiB(4));
    CHECK_EQ(page_alloc_pages(&pa, 512, MiB(2), UINT64_MAX), MiB(6));
    CHECK_EQ(page_alloc_pages(&pa, 512, MiB(2), UINT64_MAX), 0); /* 8..10 MiB > window */
    CHECK_EQ(page_alloc_pages(&pa, 256, MiB(2), UINT64_MAX), MiB(8));
    CHECK_EQ(page_alloc_pages(&pa, 2, KiB(64), UINT64_MAX) % KiB(64), 0);
    CHECK_EQ(page_alloc_pages(&pa, 1, GiB(1), UINT64_MAX), 0);
    CHECK_EQ(pa.free_pages, count_free());
}

TEST(limit_is_respected)
{
    setup(BASE, NPAGES);
    page_alloc_add_free(&pa, BASE, NPAGES * PAGE_SIZE);
    page_alloc_reserve(&pa, BASE, 10 * PAGE_SIZE);
    uint64_t lim = BASE + 12 * PAGE_SIZE;
    uint64_t a = page_alloc_pages(&pa, 2, PAGE_SIZE, lim);
    CHECK_EQ(a, BASE + 10 * PAGE_SIZE);
    CHECK_EQ(page_alloc_pages(&pa, 1, PAGE_SIZE, lim), 0);
    CHECK_EQ(page_alloc_pages(&pa, 1, PAGE_SIZE, BASE), 0);
    CHECK_EQ(page_alloc_pages(&pa, 1, PAGE_SIZE, 0), 0);
    /* A limit inside a page does not admit that page. */
    CHECK_EQ(page_alloc_pages(&pa, 1, PAGE_SIZE, lim + PAGE_SIZE - 1), 0);
    CHECK_EQ(page_alloc_pages(&pa, 1, PAGE_SIZE, lim + PAGE_SIZE), lim);
}

TEST(exhaustion_returns_zero)
{
    setup(BASE, NPAGES);
    page_alloc_add_free(&pa, BASE, NPAGES * PAGE_SIZE);
    CHECK_EQ(page_alloc_pages(&pa, NPAGES + 1, PAGE_SIZE, UINT64_MAX), 0);
    for (int i = 0; i < NPAGES; i++)
        CHECK(page_alloc_pages(&pa, 1, PAGE_SIZE, UINT64_MAX) != 0);
    CHECK_EQ(pa.free_pages, 0);
    CHECK_EQ(page_alloc_pages(&pa, 1, PAGE_SIZE, UINT64_MAX), 0);
    CHECK_EQ(count_free(), 0);
}

TEST(page_zero_never_returned)
{
    setup(0, 64);
    page_alloc_add_free(&pa, 0, 64 * PAGE_SIZE);
    CHECK_EQ(pa.free_pages, 63);
    CHECK(!page_is_free(&pa, 0));
    for (int i = 0; i < 63; i++)
        CHECK(page_alloc_pages(&pa, 1, PAGE_SIZE, UINT64_MAX) != 0);
    CHECK_EQ(page_alloc_pages(&pa, 1, PAGE_SIZE, UINT64_MAX), 0);
    CHECK_EQ(page_free_pages(&pa, 0, 1), -E_RANGE);
    CHECK_EQ(page_free_pages(&pa, PAGE_SIZE, 1), E_OK);
    CHECK_EQ(page_alloc_pages(&pa, 1, MiB(2), UINT64_MAX), 0); /* only page 0 is 2M aligned */
}

TEST(free_and_reuse)
{
    setup(BASE, NPAGES);
    page_alloc_add_free(&pa, BASE, NPAGES * PAGE_SIZE);
    uint64_t a = page_alloc_pages(&pa, 4, PAGE_SIZE, UINT64_MAX);
    uint64_t b = page_alloc_pages(&pa, 4, PAGE_SIZE, UINT64_MAX);
    CHECK_EQ(page_free_pages(&pa, a, 4), E_OK);
    CHECK_EQ(pa.free_pages, NPAGES - 4);
    CHECK(page_is_free(&pa, a) && page_is_free(&pa, a + 3 * PAGE_SIZE));
    CHECK_EQ(page_alloc_pages(&pa, 4, PAGE_SIZE, UINT64_MAX), a);
    CHECK_EQ(page_free_pages(&pa, b, 4), E_OK);
    CHECK_EQ(page_free_pages(&pa, a, 4), E_OK);
    CHECK_EQ(pa.free_pages, NPAGES);
    CHECK_EQ(page_alloc_pages(&pa, NPAGES, PAGE_SIZE, UINT64_MAX), BASE);
}

TEST(bad_frees_change_nothing)
{
    setup(BASE, NPAGES);
    page_alloc_add_free(&pa, BASE, NPAGES * PAGE_SIZE);
    uint64_t gap = page_alloc_pages(&pa, 1, PAGE_SIZE, UINT64_MAX);
    uint64_t a = page_alloc_pages(&pa, 4, PAGE_SIZE, UINT64_MAX);
    CHECK_EQ(a, gap + PAGE_SIZE);
    CHECK_EQ(page_free_pages(&pa, gap, 1), E_OK); /* a free page right before a */
    uint64_t before[sizeof bitmap / sizeof bitmap[0]];
    struct page_alloc saved = pa;
    memcpy(before, bitmap, sizeof bitmap);

    CHECK_EQ(page_free_pages(&pa, a, 5), -E_INVAL); /* last page already free */
    CHECK_EQ(page_free_pages(&pa, a - PAGE_SIZE, 2), -E_INVAL);
    CHECK_EQ(page_free_pages(&pa, a + 1, 1), -E_INVAL); /* unaligned */
    CHECK_EQ(page_free_pages(&pa, BASE - PAGE_SIZE, 1), -E_RANGE);
    CHECK_EQ(page_free_pages(&pa, BASE + NPAGES * PAGE_SIZE, 1), -E_RANGE);
    CHECK_EQ(page_free_pages(&pa, BASE + (NPAGES - 1) * PAGE_SIZE, 2), -E_RANGE);
    CHECK_EQ(page_free_pages(&pa, BASE, UINT64_MAX), -E_RANGE);
    CHECK_EQ(page_free_pages(&pa, 0, 1), -E_RANGE);
    CHECK(memcmp(before, bitmap, sizeof bitmap) == 0);
    CHECK(memcmp(&saved, &pa, sizeof pa) == 0);

    CHECK_EQ(page_free_pages(&pa, a, 4), E_OK);
    CHECK_EQ(page_free_pages(&pa, a, 4), -E_INVAL); /* double free */
    CHECK_EQ(pa.free_pages, NPAGES);
}

TEST(words_of_used_bits_are_skipped)
{
    /* A large window whose only free run sits at the very end. */
    enum { N = 64 * 1024 };
    static uint64_t big[N / 64];
    page_alloc_init(&pa, big, GiB(4), N);
    page_alloc_add_free(&pa, GiB(4) + (N - 3) * PAGE_SIZE, 3 * PAGE_SIZE);
    CHECK_EQ(page_alloc_pages(&pa, 2, PAGE_SIZE, UINT64_MAX), GiB(4) + (N - 3) * PAGE_SIZE);
    CHECK_EQ(page_alloc_pages(&pa, 2, PAGE_SIZE, UINT64_MAX), 0);
    CHECK_EQ(page_alloc_pages(&pa, 1, PAGE_SIZE, UINT64_MAX), GiB(4) + (N - 1) * PAGE_SIZE);
    CHECK_EQ(pa.free_pages, 0);
}

/* True when the model has n free pages at some align-aligned address. */
static bool model_fits(const uint8_t *used, uint64_t n, uint64_t align)
{
    for (uint64_t i = 0; i + n <= NPAGES; i++) {
        uint64_t j = 0;
        if ((BASE + i * PAGE_SIZE) % align)
            continue;
        while (j < n && !used[i + j])
            j++;
        if (j == n)
            return true;
    }
    return false;
}

/* Random allocations and frees against a byte-per-page model. */
TEST(random_workout_matches_model)
{
    static uint8_t used[NPAGES];
    static struct { uint64_t pa, n; } live[NPAGES];
    size_t nlive = 0, failures = 0;
    srand(1);
    setup(BASE, NPAGES);
    page_alloc_add_free(&pa, BASE, NPAGES * PAGE_SIZE);
    memset(used, 0, sizeof used);
    for (int step = 0; step < 20000; step++) {
        /* Allocating twice as often as freeing keeps the window nearly
         * full and fragmented, so failures and wrap-arounds happen. */
        if (nlive && rand() % 3 == 0) {
            size_t k = (size_t)rand() % nlive;
            CHECK_EQ(page_free_pages(&pa, live[k].pa, live[k].n), E_OK);
            memset(used + (live[k].pa - BASE) / PAGE_SIZE, 0, live[k].n);
            live[k] = live[--nlive];
        } else {
            uint64_t n = 1 + (uint64_t)rand() % 8, align = PAGE_SIZE << (rand() % 4);
            uint64_t p = page_alloc_pages(&pa, n, align, UINT64_MAX);
            if (!p) {
                CHECK(!model_fits(used, n, align));
                failures++;
                continue;
            }
            uint64_t i = (p - BASE) / PAGE_SIZE;
            CHECK_EQ(p % align, 0);
            CHECK(i + n <= NPAGES);
            for (uint64_t j = i; j < i + n && j < NPAGES; j++)
                CHECK(!used[j]);
            memset(used + i, 1, n);
            live[nlive].pa = p;
            live[nlive++].n = n;
        }
    }
    uint64_t model_free = 0;
    for (int i = 0; i < NPAGES; i++) {
        model_free += !used[i];
        CHECK_EQ(page_is_free(&pa, BASE + (uint64_t)i * PAGE_SIZE), !used[i]);
    }
    CHECK_EQ(pa.free_pages, model_free);
    CHECK(failures > 100);
}
