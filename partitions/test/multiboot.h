/* The parts of the Multiboot 0.6.96 info structure (§3.3) we read. */
#ifndef TESTPART_MULTIBOOT_H
#define TESTPART_MULTIBOOT_H

#include <stdint.h>

#define MB_BOOT_MAGIC 0x2BADB002

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper; /* KiB; flags bit 0 */
    uint32_t boot_device;
    uint32_t cmdline;              /* flags bit 2 */
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr; /* flags bit 6 */
};

struct mb_mem_summary {
    uint64_t usable_bytes; /* sum of type-1 (available) entries */
    uint64_t usable_end;   /* highest end of a type-1 entry */
    uint32_t usable_entries;
    int from_mmap;         /* 0: from mem_lower/mem_upper */
};

/* NULL if the loader passed none. */
const char *mb_cmdline(const struct mb_info *mbi);
void mb_mem_summary(const struct mb_info *mbi, struct mb_mem_summary *s);

#endif
