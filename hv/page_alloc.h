/* Physical page allocator (hv/page_alloc.c): one bit per 4 KiB page over a
 * fixed window of physical memory; pure and host-tested.
 * Every page starts used; the boot code frees the usable RAM from the memory
 * map, then reserves what is taken (hypervisor image, modules, low memory). */
#ifndef HV_PAGE_ALLOC_H
#define HV_PAGE_ALLOC_H

#include "hv/types.h"

struct page_alloc {
    uint64_t *bitmap;    /* bit set = page used */
    uint64_t base;       /* physical address of the first tracked page */
    uint64_t npages;     /* number of tracked pages */
    uint64_t free_pages; /* current count of clear bits */
    uint64_t hint;       /* page index where the next search starts */
};

/* bitmap must hold at least ceil(npages/64) words. base is page aligned. */
void page_alloc_init(struct page_alloc *pa, uint64_t *bitmap, uint64_t base, uint64_t npages);

/* Marks the whole pages inside [base, base+len) free; the part outside the
 * window is ignored. Physical page 0 always stays used. */
void page_alloc_add_free(struct page_alloc *pa, uint64_t base, uint64_t len);

/* Marks every page touching [base, base+len) used; outside part ignored. */
void page_alloc_reserve(struct page_alloc *pa, uint64_t base, uint64_t len);

/* Allocates count contiguous pages whose first page address is a multiple
 * of align (a power of two >= PAGE_SIZE) and whose end is <= limit.
 * Returns the physical address, or 0 when nothing fits (page 0 is never
 * handed out). */
uint64_t page_alloc_pages(struct page_alloc *pa, uint64_t count, uint64_t align, uint64_t limit);

/* Frees pages from page_alloc_pages. Returns -E_RANGE when outside the
 * window, -E_INVAL when any page is already free (double free); nothing
 * changes on error. */
int page_free_pages(struct page_alloc *pa, uint64_t phys, uint64_t count);

bool page_is_free(const struct page_alloc *pa, uint64_t phys);

#endif
