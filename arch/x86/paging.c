/* Four-level page-table walker, generic over struct pt_format, and the
 * x86-64 entry format (Intel SDM Vol. 3A 4.5). Contract in paging.h.
 *
 * The walker knows only the shape that x86-64 paging and EPT share (SDM 3A
 * 4.5, 3C 29.3): four levels of 512 8-byte entries indexed by address bits
 * 47:12, nine bits per level, leaves at levels 1..fmt->max_leaf_level.
 * Every entry bit is the format's business; the walker's only assumption is
 * that an all-zero entry is not present (true for both formats, and what
 * the allocator's zeroed tables rely on). An EPT format is one more
 * struct pt_format; nothing here changes.
 *
 * Table memory is reached only through pt->phys_to_virt, never by treating
 * a physical address as a pointer.
 *
 * Tables are never freed (there is no free callback). To keep memory
 * bounded anyway, a table pointer is never replaced: when a map or unmap
 * covers a whole aligned region that a table already describes, the walker
 * rewrites that table's entries instead of installing a large leaf over it.
 * Such a region keeps using smaller pages, but repeated remaps never leak:
 * table memory is bounded by the address space ever mapped.
 *
 * No TLB or paging-structure-cache invalidation happens here; after
 * changing live tables the caller flushes (SDM 3A 4.10.4). */
#include "arch/x86/paging.h"

#define PT_LEVELS 4
#define PT_ENTRIES 512
#define PT_LEVEL_BITS 9
/* MAXPHYADDR is at most 52 (SDM 3A 4.1.4); higher bits would not fit. */
#define PT_PA_LIMIT (1ull << 52)
#define PT_ALL_FLAGS (PT_READ | PT_WRITE | PT_EXEC | PT_UNCACHED | PT_GLOBAL)

/* ------------------------------------------------------------ x86-64 format */

#define X86_P (1ull << 0)
#define X86_RW (1ull << 1)
#define X86_PWT (1ull << 3)
#define X86_PCD (1ull << 4)
#define X86_PS (1ull << 7)
#define X86_G (1ull << 8)
#define X86_XD (1ull << 63)
#define X86_ADDR 0x000ffffffffff000ull /* bits 51:12 */

static uint64_t level_size(unsigned level)
{
    return 1ull << (PAGE_SHIFT + PT_LEVEL_BITS * (level - 1));
}

static unsigned level_index(uint64_t va, unsigned level)
{
    return (unsigned)(va >> (PAGE_SHIFT + PT_LEVEL_BITS * (level - 1))) & (PT_ENTRIES - 1);
}

/* A 2 MiB / 1 GiB leaf holds address bits 51:21 / 51:30; the bits below
 * are reserved or, bit 12, the large page's PAT bit (SDM 3A 4.5, formats
 * of a PDE / PDPTE that maps a page). */
static uint64_t x86_leaf_mask(unsigned level)
{
    return X86_ADDR & ~(level_size(level) - 1);
}

static uint64_t x86_make_leaf(uint64_t pa, unsigned flags, unsigned level)
{
    uint64_t e = (pa & x86_leaf_mask(level)) | X86_P; /* present = readable */
    if (level > 1)
        e |= X86_PS;
    if (flags & PT_WRITE)
        e |= X86_RW;
    /* PAT=0, PCD=1, PWT=1 select PAT entry 3, which is UC at power-up
     * (SDM 3A 11.12.3-11.12.4); all zero selects entry 0, WB. */
    if (flags & PT_UNCACHED)
        e |= X86_PWT | X86_PCD;
    if (flags & PT_GLOBAL) /* effective once CR4.PGE is set (SDM 3A 4.10.2.4) */
        e |= X86_G;
    if (!(flags & PT_EXEC)) /* needs IA32_EFER.NXE, else reserved (SDM 3A 4.5) */
        e |= X86_XD;
    return e;
}

/* US=0 keeps the hypervisor's pages supervisor-only. Access rights combine
 * across levels: with CR0.WP=1 a page is writable only if R/W=1 in every
 * entry of the walk, and fetchable only if XD=0 in every entry (SDM 3A
 * 4.6.1). So table pointers grant write and execute; the leaf decides. */
static uint64_t x86_make_table(uint64_t table_pa)
{
    return (table_pa & X86_ADDR) | X86_P | X86_RW;
}

static bool x86_is_present(uint64_t e)
{
    return e & X86_P;
}

/* PS maps a page at levels 2 and 3; it is reserved in a PML4E (SDM 3A
 * 4.5), and the walker never asks above max_leaf_level. */
static bool x86_is_large(uint64_t e, unsigned level)
{
    return level > 1 && (e & X86_PS);
}

static uint64_t x86_entry_addr(uint64_t e, unsigned level)
{
    return x86_is_large(e, level) ? e & x86_leaf_mask(level) : e & X86_ADDR;
}

/* Inverse of x86_make_leaf. Bit 8 is G at every leaf level; PCD alone
 * decides "uncached" because make_leaf sets PWT and PCD together. */
static unsigned x86_entry_flags(uint64_t e, unsigned level)
{
    (void)level;
    unsigned flags = PT_READ;
    if (e & X86_RW)
        flags |= PT_WRITE;
    if (!(e & X86_XD))
        flags |= PT_EXEC;
    if (e & X86_PCD)
        flags |= PT_UNCACHED;
    if (e & X86_G)
        flags |= PT_GLOBAL;
    return flags;
}

const struct pt_format pt_format_x86_64 = {
    .name = "x86-64",
    .make_leaf = x86_make_leaf,
    .make_table = x86_make_table,
    .is_present = x86_is_present,
    .is_large = x86_is_large,
    .entry_addr = x86_entry_addr,
    .entry_flags = x86_entry_flags,
    .max_leaf_level = 3,
};

/* ------------------------------------------------------------------ walker */

/* One pt_map or pt_unmap call: va maps to pa0 + (va - va0). */
struct pt_req {
    uint64_t va0, pa0;
    unsigned flags;
    bool unmap;
};

static uint64_t *table_at(const struct page_table *pt, uint64_t table_pa)
{
    return pt->phys_to_virt(table_pa);
}

/* The MMU, on this or another CPU, may read an entry at any moment, so each
 * update is one untorn 64-bit store. Release ordering keeps the stores that
 * filled a new table ahead of the pointer that publishes it. */
static void set_entry(uint64_t *slot, uint64_t e)
{
    __atomic_store_n(slot, e, __ATOMIC_RELEASE);
}

static bool is_leaf(const struct pt_format *fmt, uint64_t e, unsigned level)
{
    return level == 1 || (level <= fmt->max_leaf_level && fmt->is_large(e, level));
}

static bool leaf_fits(const struct pt_format *fmt, unsigned level, uint64_t pa)
{
    return level == 1 || (level <= fmt->max_leaf_level && IS_ALIGNED(pa, level_size(level)));
}

/* Fills the new table at table_pa with leaves that map what the large leaf
 * `e` at `level` mapped, with its flags, one level down. */
static void split_leaf(const struct page_table *pt, uint64_t table_pa, uint64_t e, unsigned level)
{
    const struct pt_format *fmt = pt->fmt;
    uint64_t *tbl = table_at(pt, table_pa);
    uint64_t pa = fmt->entry_addr(e, level);
    unsigned flags = fmt->entry_flags(e, level);
    uint64_t step = level_size(level - 1);

    for (unsigned i = 0; i < PT_ENTRIES; i++)
        tbl[i] = fmt->make_leaf(pa + i * step, flags, level - 1);
}

/* Returns the table below *slot, creating it when needed: empty for a
 * non-present entry; for a large leaf, one that maps the same range the same
 * way, so the parts the request does not cover stay as they were. The large
 * leaf is only replaced once its table is complete, so on allocation
 * failure (returns 0) nothing has changed. */
static uint64_t child_table(struct page_table *pt, uint64_t *slot, unsigned level)
{
    const struct pt_format *fmt = pt->fmt;
    uint64_t e = *slot;

    if (fmt->is_present(e) && !is_leaf(fmt, e, level))
        return fmt->entry_addr(e, level);
    uint64_t table_pa = pt->alloc_table(pt->ctx);
    if (!table_pa)
        return 0;
    if (fmt->is_present(e))
        split_leaf(pt, table_pa, e, level);
    set_entry(slot, fmt->make_table(table_pa));
    return table_pa;
}

static int walk_range(struct page_table *pt, uint64_t table_pa, unsigned level, uint64_t va,
                      uint64_t last, const struct pt_req *req);

/* Applies req to [va, last], which lies within the one entry *slot. The
 * entry itself changes only when the range covers all of it and no table
 * hangs below it (see the top of the file); otherwise the walker descends. */
static int update_entry(struct page_table *pt, uint64_t *slot, unsigned level, uint64_t va,
                        uint64_t last, const struct pt_req *req)
{
    const struct pt_format *fmt = pt->fmt;
    uint64_t e = *slot;
    bool present = fmt->is_present(e);
    bool whole = last - va == level_size(level) - 1; /* in one entry: so aligned too */

    if (req->unmap && !present)
        return 0;
    if (whole && (!present || is_leaf(fmt, e, level))) {
        uint64_t pa = req->pa0 + (va - req->va0);
        if (req->unmap) {
            set_entry(slot, 0);
            return 0;
        }
        if (leaf_fits(fmt, level, pa)) {
            set_entry(slot, fmt->make_leaf(pa, req->flags, level));
            return 0;
        }
    }
    uint64_t child = child_table(pt, slot, level);
    if (!child)
        return -E_NOMEM;
    return walk_range(pt, child, level - 1, va, last, req);
}

/* Applies req to [va, last] (inclusive, so a range ending at the top of the
 * address space does not overflow) within the table at table_pa. */
static int walk_range(struct page_table *pt, uint64_t table_pa, unsigned level, uint64_t va,
                      uint64_t last, const struct pt_req *req)
{
    uint64_t *tbl = table_at(pt, table_pa);

    for (;;) {
        uint64_t end = MIN(va | (level_size(level) - 1), last);
        int rc = update_entry(pt, &tbl[level_index(va, level)], level, va, end, req);
        if (rc || end == last)
            return rc;
        va = end + 1;
    }
}

/* 4-level paging translates 48-bit addresses; bits 63:47 must be equal
 * (SDM 3A 4.5, 3.3.7.1). */
static bool is_canonical(uint64_t va)
{
    uint64_t top = va >> 47;
    return top == 0 || top == 0x1ffff;
}

/* Both ends canonical, in the same half and in order: the range neither
 * wraps nor crosses the non-canonical hole. */
static int check_args(uint64_t va, uint64_t pa, uint64_t len)
{
    if (!IS_ALIGNED(va | pa | len, PAGE_SIZE) || !is_canonical(va))
        return -E_INVAL;
    if (len == 0)
        return 0;
    uint64_t last = va + len - 1, pa_last = pa + len - 1;
    if (last < va || !is_canonical(last) || (va >> 47) != (last >> 47))
        return -E_INVAL;
    if (pa_last < pa || pa_last >= PT_PA_LIMIT)
        return -E_INVAL;
    return 0;
}

static int apply(struct page_table *pt, uint64_t va, uint64_t len, const struct pt_req *req)
{
    if (len == 0)
        return 0;
    return walk_range(pt, pt->root_pa, PT_LEVELS, va, va + len - 1, req);
}

int pt_init(struct page_table *pt, const struct pt_format *fmt, uint64_t (*alloc_table)(void *ctx),
            void *(*phys_to_virt)(uint64_t pa), void *ctx)
{
    pt->fmt = fmt;
    pt->alloc_table = alloc_table;
    pt->phys_to_virt = phys_to_virt;
    pt->ctx = ctx;
    pt->root_pa = alloc_table(ctx);
    return pt->root_pa ? 0 : -E_NOMEM;
}

int pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t len, unsigned flags)
{
    int rc = check_args(va, pa, len);
    if (rc)
        return rc;
    if (flags & ~PT_ALL_FLAGS)
        return -E_INVAL;
    struct pt_req req = {.va0 = va, .pa0 = pa, .flags = flags, .unmap = false};
    return apply(pt, va, len, &req);
}

int pt_unmap(struct page_table *pt, uint64_t va, uint64_t len)
{
    int rc = check_args(va, 0, len);
    if (rc)
        return rc;
    struct pt_req req = {.va0 = va, .pa0 = 0, .flags = 0, .unmap = true};
    return apply(pt, va, len, &req);
}

int pt_lookup(const struct page_table *pt, uint64_t va, uint64_t *pa, unsigned *flags, uint64_t *page_size)
{
    const struct pt_format *fmt = pt->fmt;
    uint64_t table_pa = pt->root_pa;

    if (!is_canonical(va))
        return -E_NOENT;
    for (unsigned level = PT_LEVELS;; level--) {
        uint64_t e = table_at(pt, table_pa)[level_index(va, level)];
        if (!fmt->is_present(e))
            return -E_NOENT;
        if (!is_leaf(fmt, e, level)) {
            table_pa = fmt->entry_addr(e, level);
            continue;
        }
        uint64_t size = level_size(level);
        if (pa)
            *pa = fmt->entry_addr(e, level) + (va & (size - 1));
        if (flags)
            *flags = fmt->entry_flags(e, level);
        if (page_size)
            *page_size = size;
        return 0;
    }
}
