/* Hypervisor page tables and physical memory. */
#include "arch/x86/mm.h"

#include "arch/x86/asm.h"
#include "arch/x86/cpu.h"
#include "arch/x86/paging.h"
#include "hv/spinlock.h"
#include "hv/string.h"

#define TRACKED_BYTES GiB(4) /* the allocator serves hypervisor structures only */
#define LOW_MEMORY_END MiB(1)

struct page_alloc hv_page_alloc;
/* CPUs set themselves up in parallel (VMXON regions, VMCSs, stacks): the
 * allocator and the shared page tables change under this lock. */
static spinlock_t mm_lock;
static uint64_t page_bitmap[TRACKED_BYTES / PAGE_SIZE / 64];
static struct page_table hv_pt;

extern char __hv_start[], __text_end[], __rodata_end[], __hv_end[];

static uint64_t sym(const char *s) { return (uint64_t)(uintptr_t)s; }

void mm_init_allocator(const struct boot_info *bi, uint64_t pool_base, uint64_t pool_size, uint64_t reserved_base,
                       uint64_t reserved_len)
{
    page_alloc_init(&hv_page_alloc, page_bitmap, 0, TRACKED_BYTES / PAGE_SIZE);
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct mem_range *r = &bi->mmap[i];
        uint64_t base = MAX(r->base, pool_base), end = MIN(r->base + r->len, pool_base + pool_size);
        if (r->type == MEM_USABLE && end > base)
            page_alloc_add_free(&hv_page_alloc, base, end - base);
    }
    page_alloc_reserve(&hv_page_alloc, 0, LOW_MEMORY_END);
    page_alloc_reserve(&hv_page_alloc, sym(__hv_start), sym(__hv_end) - sym(__hv_start));
    page_alloc_reserve(&hv_page_alloc, reserved_base, reserved_len);
}

const void *mm_boot_read(uint64_t pa, size_t len)
{
    if (pa == 0 || pa + len < pa || pa + len > GiB(4))
        return NULL;
    return (const void *)(uintptr_t)pa;
}

/* Caller holds mm_lock (or runs before the APs start). Below 4 GiB:
 * page-table pages must be, since APs load CR3 in 32-bit mode. */
static uint64_t alloc_zeroed(uint64_t n)
{
    uint64_t pa = page_alloc_pages(&hv_page_alloc, n, PAGE_SIZE, GiB(4));
    if (pa)
        memset(phys_to_virt(pa), 0, n * PAGE_SIZE);
    return pa;
}

uint64_t mm_alloc_pages(uint64_t n)
{
    spin_lock(&mm_lock);
    uint64_t pa = alloc_zeroed(n);
    spin_unlock(&mm_lock);
    return pa;
}

/* Called by the walker, always under mm_lock. */
static uint64_t alloc_table_page(void *ctx)
{
    (void)ctx;
    return alloc_zeroed(1);
}

static int map_ram(const struct boot_info *bi)
{
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct mem_range *r = &bi->mmap[i];
        uint64_t base = MAX(ALIGN_UP(r->base, PAGE_SIZE), PAGE_SIZE);
        uint64_t end = ALIGN_DOWN(r->base + r->len, PAGE_SIZE);
        if (r->type != MEM_USABLE || end <= base)
            continue;
        int err = pt_map(&hv_pt, base, base, end - base, PT_READ | PT_WRITE | PT_GLOBAL);
        if (err)
            return err;
    }
    return 0;
}

static int map_image(void)
{
    const unsigned g = PT_READ | PT_GLOBAL;
    int err = pt_map(&hv_pt, sym(__hv_start), sym(__hv_start), sym(__text_end) - sym(__hv_start), g | PT_EXEC);
    if (!err)
        err = pt_map(&hv_pt, sym(__text_end), sym(__text_end), sym(__rodata_end) - sym(__text_end), g);
    if (!err)
        err = pt_map(&hv_pt, sym(__rodata_end), sym(__rodata_end), sym(__hv_end) - sym(__rodata_end),
                     g | PT_WRITE);
    /* The AP trampoline runs from low memory; its parameters sit apart. */
    if (!err)
        err = pt_map(&hv_pt, AP_TRAMPOLINE_PA, AP_TRAMPOLINE_PA, PAGE_SIZE, g | PT_EXEC);
    if (!err)
        err = pt_map(&hv_pt, AP_PARAMS_PA, AP_PARAMS_PA, PAGE_SIZE, g | PT_WRITE);
    return err;
}

int mm_init_paging(const struct boot_info *bi)
{
    int err = pt_init(&hv_pt, &pt_format_x86_64, alloc_table_page, phys_to_virt, NULL);
    if (!err)
        err = map_ram(bi);
    if (!err)
        err = map_image();
    if (err)
        return err;
    write_cr4(read_cr4() | CR4_PGE);
    write_cr3(hv_pt.root_pa);
    return 0;
}

int mm_map_mmio(uint64_t pa, uint64_t len)
{
    uint64_t base = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t size = ALIGN_UP(pa + len, PAGE_SIZE) - base;
    spin_lock(&mm_lock);
    int err = pt_map(&hv_pt, base, base, size, PT_READ | PT_WRITE | PT_UNCACHED | PT_GLOBAL);
    spin_unlock(&mm_lock);
    for (uint64_t va = base; va < base + size; va += PAGE_SIZE)
        invlpg(va);
    return err;
}

uint64_t mm_alloc_stack(uint64_t size)
{
    uint64_t pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE + 1;
    spin_lock(&mm_lock);
    uint64_t base = page_alloc_pages(&hv_page_alloc, pages, PAGE_SIZE, GiB(4));
    int err = base ? pt_unmap(&hv_pt, base, PAGE_SIZE) : -E_NOMEM;
    spin_unlock(&mm_lock);
    if (err)
        return 0;
    invlpg(base);
    return base + pages * PAGE_SIZE;
}

void mm_flush_trampoline(void)
{
    invlpg(AP_TRAMPOLINE_PA);
    invlpg(AP_PARAMS_PA);
}

int mm_retire_trampoline(void)
{
    spin_lock(&mm_lock);
    int err = pt_map(&hv_pt, AP_TRAMPOLINE_PA, AP_TRAMPOLINE_PA, AP_PARAMS_PA + PAGE_SIZE - AP_TRAMPOLINE_PA,
                     PT_READ | PT_WRITE | PT_GLOBAL);
    spin_unlock(&mm_lock);
    mm_flush_trampoline();
    return err;
}

uint64_t mm_root(void) { return hv_pt.root_pa; }
