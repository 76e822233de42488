/* Extended page tables for a partition (vmx/ept.c, pure and host-tested):
 * its RAM write-back and RWX, its MMIO uncached and RW, a mediated device
 * page (CFG_MEM_HPET) uncached and read-only, nothing else (Intel SDM
 * Vol. 3C 29.3). */
#ifndef VMX_EPT_H
#define VMX_EPT_H

#include "arch/x86/paging.h"
#include "hv/config.h"

extern const struct pt_format pt_format_ept;

/* EPT memory types (SDM 29.3.7). */
#define EPT_MT_UC 0
#define EPT_MT_WB 6

/* The PT_* flags a region of this kind is mapped with. */
unsigned ept_region_flags(enum cfg_mem_kind kind);

/* Builds the tables for cfg into pt (pt->alloc_table, phys_to_virt and
 * ctx set by the caller as for pt_init) and returns the EPT pointer:
 * root | WB paging-structure type | 4-level walk (SDM 25.6.11).
 * 0 or -E_NOMEM / -E_INVAL. */
int ept_build(struct page_table *pt, const struct cfg_partition *cfg, uint64_t *eptp);

#endif
