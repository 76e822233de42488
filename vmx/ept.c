/* EPT entry format for the generic walker (arch/x86/paging.c) and the
 * builder that maps a partition from its config. EPT entries (SDM Vol. 3C
 * Tables 29-1..29-6): bits 2:0 read/write/execute, 5:3 memory type in
 * leaves, 6 ignore-PAT, 7 large page, 51:12 address. */
#include "vmx/ept.h"

#define EPT_R (1ull << 0)
#define EPT_W (1ull << 1)
#define EPT_X (1ull << 2)
#define EPT_MT_SHIFT 3
#define EPT_IGNORE_PAT (1ull << 6)
#define EPT_LARGE (1ull << 7)
#define EPT_ADDR 0x000ffffffffff000ull
#define EPTP_WB 6ull
#define EPTP_WALK_4 (3ull << 3)

static uint64_t level_bytes(unsigned level) { return 1ull << (12 + 9 * (level - 1)); }

/* The guest's PAT is ignored (bit 6): the memory type comes from EPT
 * alone, so a partition cannot make device memory cacheable. */
static uint64_t ept_make_leaf(uint64_t pa, unsigned flags, unsigned level)
{
    uint64_t e = (pa & EPT_ADDR & ~(level_bytes(level) - 1)) | EPT_IGNORE_PAT;
    e |= (flags & PT_READ) ? EPT_R : 0;
    e |= (flags & PT_WRITE) ? EPT_W : 0;
    e |= (flags & PT_EXEC) ? EPT_X : 0;
    e |= (uint64_t)((flags & PT_UNCACHED) ? EPT_MT_UC : EPT_MT_WB) << EPT_MT_SHIFT;
    return level > 1 ? e | EPT_LARGE : e;
}

static uint64_t ept_make_table(uint64_t table_pa) { return (table_pa & EPT_ADDR) | EPT_R | EPT_W | EPT_X; }

static bool ept_is_present(uint64_t e) { return (e & (EPT_R | EPT_W | EPT_X)) != 0; }

static bool ept_is_large(uint64_t e, unsigned level) { return level > 1 && (e & EPT_LARGE); }

static uint64_t ept_entry_addr(uint64_t e, unsigned level)
{
    bool leaf = level == 1 || (e & EPT_LARGE);
    return e & EPT_ADDR & (leaf ? ~(level_bytes(level) - 1) : ~0ull);
}

static unsigned ept_entry_flags(uint64_t e, unsigned level)
{
    (void)level;
    unsigned f = 0;
    f |= (e & EPT_R) ? PT_READ : 0;
    f |= (e & EPT_W) ? PT_WRITE : 0;
    f |= (e & EPT_X) ? PT_EXEC : 0;
    f |= ((e >> EPT_MT_SHIFT) & 7) == EPT_MT_UC ? PT_UNCACHED : 0;
    return f;
}

/* 1 GiB EPT pages are optional (IA32_VMX_EPT_VPID_CAP bit 17); 2 MiB are
 * enough for partition RAM and always checked for at boot. */
const struct pt_format pt_format_ept = {
    .name = "EPT",
    .make_leaf = ept_make_leaf,
    .make_table = ept_make_table,
    .is_present = ept_is_present,
    .is_large = ept_is_large,
    .entry_addr = ept_entry_addr,
    .entry_flags = ept_entry_flags,
    .max_leaf_level = 2,
};

/* A mediated device page (the HPET) is read-only: reads go to the device
 * directly, every write is an EPT violation the hypervisor checks and
 * emulates (vmx/exit_ept.c). */
unsigned ept_region_flags(enum cfg_mem_kind kind)
{
    switch (kind) {
    case CFG_MEM_RAM:
        return PT_READ | PT_WRITE | PT_EXEC;
    case CFG_MEM_HPET:
        return PT_READ | PT_UNCACHED;
    default:
        return PT_READ | PT_WRITE | PT_UNCACHED;
    }
}

int ept_build(struct page_table *pt, const struct cfg_partition *cfg, uint64_t *eptp)
{
    int err = pt_init(pt, &pt_format_ept, pt->alloc_table, pt->phys_to_virt, pt->ctx);
    for (uint32_t i = 0; !err && i < cfg->mem_count; i++) {
        const struct cfg_mem *m = &cfg->mem[i];
        err = pt_map(pt, m->guest, m->host, m->size, ept_region_flags(m->kind));
    }
    if (err)
        return err;
    *eptp = pt->root_pa | EPTP_WALK_4 | EPTP_WB;
    return 0;
}
