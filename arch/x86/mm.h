/* The hypervisor's own address space: identity mapped, with no page both
 * writable and executable. Text is RX, rodata R, data/bss and RAM RW+NX,
 * MMIO UC RW+NX, page 0 unmapped (NULL dereferences fault). */
#ifndef ARCH_X86_MM_H
#define ARCH_X86_MM_H

#include "hv/multiboot.h"
#include "hv/page_alloc.h"

extern struct page_alloc hv_page_alloc;

/* Sets up the page allocator from the usable RAM inside the hypervisor's
 * own region [pool_base, +pool_size) (partition RAM is never handed out),
 * reserving low memory, the image and [reserved_base, +reserved_len)
 * (the boot modules). */
void mm_init_allocator(const struct boot_info *bi, uint64_t pool_base, uint64_t pool_size, uint64_t reserved_base,
                       uint64_t reserved_len);

/* Builds the tables from the memory map and loads CR3. 0 or -E_NOMEM. */
int mm_init_paging(const struct boot_info *bi);

/* Maps device registers uncached. */
int mm_map_mmio(uint64_t pa, uint64_t len);

/* Allocates a stack of `size` bytes with an unmapped guard page below it
 * (an overflow faults instead of corrupting memory). Returns its top. */
uint64_t mm_alloc_stack(uint64_t size);

/* Allocates n zeroed, contiguous pages below 4 GiB; 0 when out of memory. */
uint64_t mm_alloc_pages(uint64_t n);

/* Ends AP start-up on the boot CPU, once every AP is online or given up:
 * the trampoline page and its parameter page become ordinary RAM in the
 * hypervisor's tables (read-write, not executable, as the rest of low
 * memory), so nothing runs there again and a partition may own them
 * (configs/dma.c). Returns 0, or the page-table error. */
int mm_retire_trampoline(void);

/* Drops this CPU's stale translations of those two pages (a CPU may have
 * cached them, even speculatively, while they were read-only); each AP
 * calls it after the boot CPU retired them, before touching guest RAM. */
void mm_flush_trampoline(void);

/* Root of the hypervisor page tables (below 4 GiB, for the AP trampoline). */
uint64_t mm_root(void);

/* Reads loader/firmware memory while boot.S's identity map of the first
 * 4 GiB is live (before mm_init_paging); NULL outside it and for page 0. */
const void *mm_boot_read(uint64_t pa, size_t len);

static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)pa; }

#endif
