/* Four-level page tables (arch/x86/paging.c), generic over the entry
 * format so that the hypervisor's own tables (x86-64 paging) and, later,
 * EPT share one walker. Pure and host-tested: table memory comes from a
 * caller-supplied allocator and is reached through phys_to_virt.
 *
 * Intel SDM Vol. 3A 4.5 (4-level paging); Vol. 3C 29.3 (EPT). */
#ifndef ARCH_X86_PAGING_H
#define ARCH_X86_PAGING_H

#include "hv/types.h"

/* Format-independent permissions and memory type of a mapping. */
#define PT_READ 0x1u
#define PT_WRITE 0x2u
#define PT_EXEC 0x4u
#define PT_UNCACHED 0x8u /* MMIO: UC; else write-back */
#define PT_GLOBAL 0x10u  /* hypervisor mappings survive CR3 loads */

struct pt_format {
    const char *name;
    /* Encodes a leaf at `level` (1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB). */
    uint64_t (*make_leaf)(uint64_t pa, unsigned flags, unsigned level);
    /* Encodes a pointer to a next-level table. */
    uint64_t (*make_table)(uint64_t table_pa);
    bool (*is_present)(uint64_t entry);
    /* True when the entry at `level` (>1) maps a large page. */
    bool (*is_large)(uint64_t entry, unsigned level);
    uint64_t (*entry_addr)(uint64_t entry, unsigned level);
    unsigned (*entry_flags)(uint64_t entry, unsigned level);
    unsigned max_leaf_level; /* 3 when 1 GiB pages are allowed */
};

extern const struct pt_format pt_format_x86_64;

struct page_table {
    const struct pt_format *fmt;
    uint64_t root_pa;
    /* Returns the physical address of a zeroed 4 KiB page, 0 on failure. */
    uint64_t (*alloc_table)(void *ctx);
    void *(*phys_to_virt)(uint64_t pa);
    void *ctx;
};

/* Allocates the root table. Returns 0 or -E_NOMEM. */
int pt_init(struct page_table *pt, const struct pt_format *fmt, uint64_t (*alloc_table)(void *ctx),
            void *(*phys_to_virt)(uint64_t pa), void *ctx);

/* Maps [va, va+len) to [pa, pa+len) with flags, using the largest pages the
 * alignment and the format allow; replaces existing mappings (splitting a
 * large page that is only partly covered). va, pa, len 4 KiB aligned, else
 * -E_INVAL; va must be canonical 48-bit. -E_NOMEM when a table cannot be
 * allocated (mappings made so far stay). */
int pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t len, unsigned flags);

/* Removes [va, va+len), splitting large pages as needed. Unmapped parts
 * are fine. Same argument rules as pt_map. */
int pt_unmap(struct page_table *pt, uint64_t va, uint64_t len);

/* Looks up va. Returns 0 and fills the outputs (any may be NULL) when
 * mapped, -E_NOENT otherwise. *pa is the translated address of va itself. */
int pt_lookup(const struct page_table *pt, uint64_t va, uint64_t *pa, unsigned *flags, uint64_t *page_size);

#endif
