/* What hv/loader.c shares with the other boot protocols it hosts (the
 * Linux 64-bit boot protocol, arch/x86/linux_boot.c): the load context,
 * ELF loading, placement in guest RAM and the 64-bit entry state. */
#ifndef HV_LOADER_INTERNAL_H
#define HV_LOADER_INTERNAL_H

#include "hv/loader.h"
#include "hv/types.h"

#define LIMIT_4G GiB(4)
#define PT_BYTES (7 * PAGE_SIZE) /* ld_build_long_mode: page tables and GDT */
#define GDT_CODE64 0x00AF9B000000FFFFull /* long-mode code, L = 1 (SDM 3A 3.4.5) */
#define GDT_DATA 0x00CF93000000FFFFull   /* flat writable data */

struct ld {
    const uint8_t *img;
    uint64_t size;
    const struct guest_ram *ram;
    char *err;
    size_t errlen;
    uint64_t limit, kend; /* loaded ranges end at or below limit; kend: highest end */
};

/* Writes the reason into l->err; returns -code. */
int ld_fail(struct ld *l, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* Loads the PT_LOAD segments at their p_paddr (never into [0x1000,
 * 0x9000) nor the legacy hole) and returns the physical entry point. */
int ld_load_elf(struct ld *l, bool allow32, uint64_t *entry);

/* Lowest page-aligned gpa >= from such that [gpa, gpa+size) lies in one
 * RAM region, outside the legacy hole, and ends at or below limit. */
bool ld_place(const struct guest_ram *ram, uint64_t from, uint64_t size, uint64_t limit, uint64_t *out);

/* 64-bit entry state: identity map of 0-4 GiB and a GDT, PT_BYTES placed
 * at or above from; linux_gdt picks the Linux boot protocol's selectors. */
int ld_build_long_mode(struct ld *l, uint64_t from, bool linux_gdt, struct guest_entry *e, uint64_t *pt);

#endif
