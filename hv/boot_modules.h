/* Boot modules (partition images) are moved away from where the loader
 * put them: GRUB loads them right after the hypervisor, where a partition's
 * RAM may begin. They go to the top of usable RAM below 4 GiB. */
#ifndef HV_BOOT_MODULES_H
#define HV_BOOT_MODULES_H

#include "hv/multiboot.h"

/* Picks the destination of all modules, packed page-aligned in their
 * order: the highest place inside one usable range, below `limit`, that
 * overlaps neither an `avoid` range nor any module's current location.
 * Returns 0 and *dest (0 with no modules), or -E_NOMEM when nothing fits.
 * Pure; host-tested. */
int modules_plan(const struct boot_info *bi, const struct mem_range *avoid, size_t navoid, uint64_t limit,
                 uint64_t *dest, uint64_t *total);

/* Bytes the modules take once packed page-aligned. */
uint64_t modules_packed_size(const struct boot_info *bi);

/* Copies each module to its packed place at dest and updates bi. The
 * destination must come from modules_plan (no overlap with sources). */
void modules_move(struct boot_info *bi, uint64_t dest, void *(*phys_to_virt)(uint64_t pa));

#endif
