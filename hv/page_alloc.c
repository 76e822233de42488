/* Bitmap page allocator (hv/page_alloc.h). Searches skip whole 64-bit
 * words, and a next-fit hint keeps repeated small allocations from
 * rescanning the used prefix. Physical page 0 is never free: 0 is the
 * failure value of page_alloc_pages. */
#include "hv/page_alloc.h"

#define WORD_BITS 64u

static uint64_t popcount64(uint64_t x)
{
    /* No __builtin_popcountll: without -mpopcnt it calls into libgcc. */
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (x * 0x0101010101010101ull) >> 56;
}

/* Mask of bits [from, to) within one word, 0 <= from < to <= 64. */
static uint64_t word_mask(uint64_t from, uint64_t to)
{
    uint64_t hi = to == WORD_BITS ? ~0ull : (1ull << to) - 1;
    return hi & ~((1ull << from) - 1);
}

/* Sets (used) or clears (free) bits [from, to); returns how many bits
 * actually changed. */
static uint64_t update_range(uint64_t *bm, uint64_t from, uint64_t to, bool used)
{
    uint64_t changed = 0;
    while (from < to) {
        uint64_t w = from / WORD_BITS, lo = from % WORD_BITS;
        uint64_t hi = MIN(to - w * WORD_BITS, WORD_BITS);
        uint64_t m = word_mask(lo, hi);
        changed += popcount64(used ? m & ~bm[w] : m & bm[w]);
        bm[w] = used ? bm[w] | m : bm[w] & ~m;
        from = w * WORD_BITS + hi;
    }
    return changed;
}

/* Index of the first bit in [from, to) that is used (want_used) or free,
 * or `to` when there is none. */
static uint64_t find_bit(const uint64_t *bm, uint64_t from, uint64_t to, bool want_used)
{
    while (from < to) {
        uint64_t w = from / WORD_BITS;
        uint64_t bits = want_used ? bm[w] : ~bm[w];
        bits &= ~0ull << (from % WORD_BITS);
        if (bits)
            return MIN(w * WORD_BITS + (uint64_t)__builtin_ctzll(bits), to);
        from = (w + 1) * WORD_BITS;
    }
    return to;
}

void page_alloc_init(struct page_alloc *pa, uint64_t *bitmap, uint64_t base, uint64_t npages)
{
    pa->bitmap = bitmap;
    pa->base = base;
    pa->npages = npages;
    pa->free_pages = 0;
    pa->hint = 0;
    /* All used, including the tail bits past npages in the last word. */
    for (uint64_t i = 0; i < (npages + WORD_BITS - 1) / WORD_BITS; i++)
        bitmap[i] = ~0ull;
}

/* Clips the page-number range [first, end) to the window, as indices. */
static bool clip(const struct page_alloc *pa, uint64_t first, uint64_t end, uint64_t *from,
                 uint64_t *to)
{
    uint64_t wfirst = pa->base >> PAGE_SHIFT, wend = wfirst + pa->npages;
    first = MAX(first, wfirst);
    end = MIN(end, wend);
    if (first >= end)
        return false;
    *from = first - wfirst;
    *to = end - wfirst;
    return true;
}

/* End address of [base, base+len), saturated instead of wrapping. */
static uint64_t range_end(uint64_t base, uint64_t len)
{
    return len > UINT64_MAX - base ? UINT64_MAX : base + len;
}

void page_alloc_add_free(struct page_alloc *pa, uint64_t base, uint64_t len)
{
    /* Only whole pages: round the start up and the end down. */
    uint64_t first = (base >> PAGE_SHIFT) + !IS_ALIGNED(base, PAGE_SIZE);
    uint64_t end = range_end(base, len) >> PAGE_SHIFT;
    uint64_t from, to;

    first = MAX(first, 1); /* page 0 stays used */
    if (len && clip(pa, first, end, &from, &to))
        pa->free_pages += update_range(pa->bitmap, from, to, false);
}

void page_alloc_reserve(struct page_alloc *pa, uint64_t base, uint64_t len)
{
    /* Every page touched: round the start down and the end up. */
    uint64_t last = range_end(base, len);
    uint64_t end = (last >> PAGE_SHIFT) + !IS_ALIGNED(last, PAGE_SIZE);
    uint64_t from, to;

    if (len && clip(pa, base >> PAGE_SHIFT, end, &from, &to))
        pa->free_pages -= update_range(pa->bitmap, from, to, true);
}

/* First index >= i whose physical address is a multiple of align_pages
 * pages. */
static uint64_t align_index(const struct page_alloc *pa, uint64_t i, uint64_t align_pages)
{
    uint64_t pfn = (pa->base >> PAGE_SHIFT) + i;
    return ALIGN_UP(pfn, align_pages) - (pa->base >> PAGE_SHIFT);
}

/* Finds `count` free pages starting at an aligned index in [from, to). */
static bool search(const struct page_alloc *pa, uint64_t from, uint64_t to, uint64_t count,
                   uint64_t align_pages, uint64_t *found)
{
    uint64_t i = from;
    for (;;) {
        i = find_bit(pa->bitmap, i, to, false);
        if (i >= to)
            return false;
        i = align_index(pa, i, align_pages);
        if (i >= to || to - i < count)
            return false;
        uint64_t used = find_bit(pa->bitmap, i, i + count, true);
        if (used == i + count) {
            *found = i;
            return true;
        }
        i = used + 1;
    }
}

uint64_t page_alloc_pages(struct page_alloc *pa, uint64_t count, uint64_t align, uint64_t limit)
{
    uint64_t to, i;

    if (align < PAGE_SIZE)
        align = PAGE_SIZE;
    if (count == 0 || (align & (align - 1)) || limit <= pa->base)
        return 0;
    /* Only pages that end at or below limit qualify. */
    to = MIN(pa->npages, (limit - pa->base) >> PAGE_SHIFT);
    if (count > to)
        return 0;
    /* Next fit: from the hint, then wrap around to runs that start below
     * it (they end before hint + count). */
    if (!search(pa, MIN(pa->hint, to), to, count, align >> PAGE_SHIFT, &i) &&
        (pa->hint == 0 ||
         !search(pa, 0, MIN(to, pa->hint + count - 1), count, align >> PAGE_SHIFT, &i)))
        return 0;
    update_range(pa->bitmap, i, i + count, true);
    pa->free_pages -= count;
    pa->hint = i + count < pa->npages ? i + count : 0;
    return pa->base + (i << PAGE_SHIFT);
}

int page_free_pages(struct page_alloc *pa, uint64_t phys, uint64_t count)
{
    uint64_t i;

    if (!IS_ALIGNED(phys, PAGE_SIZE))
        return -E_INVAL;
    if (phys == 0 || phys < pa->base || count > pa->npages)
        return -E_RANGE;
    i = (phys - pa->base) >> PAGE_SHIFT;
    if (i > pa->npages - count)
        return -E_RANGE;
    if (find_bit(pa->bitmap, i, i + count, false) != i + count)
        return -E_INVAL; /* some page is already free */
    update_range(pa->bitmap, i, i + count, false);
    pa->free_pages += count;
    /* Prefer reusing low memory, and this page is known free. */
    if (i < pa->hint)
        pa->hint = i;
    return E_OK;
}

bool page_is_free(const struct page_alloc *pa, uint64_t phys)
{
    if (phys < pa->base)
        return false;
    uint64_t i = (phys - pa->base) >> PAGE_SHIFT;
    return i < pa->npages && !(pa->bitmap[i / WORD_BITS] & (1ull << (i % WORD_BITS)));
}
