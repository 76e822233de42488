/* The parts of the Multiboot 0.6.96 info structure (§3.3) the guests
 * read. Paging is off, so its addresses are usable pointers. */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#include <stdint.h>

#define MB_BOOT_MAGIC 0x2BADB002
#define MB_INFO_MEM (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MMAP (1u << 6)

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper; /* KiB; flags bit 0 */
    uint32_t boot_device;
    uint32_t cmdline;              /* flags bit 2 */
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr; /* flags bit 6 */
};

/* The command line, NULL if the loader passed none; mbi NULL when EAX
 * did not hold MB_BOOT_MAGIC (not a multiboot loader: EBX means nothing). */
static inline const char *mb_cmdline(const struct mb_info *mbi)
{
    if (!mbi || !(mbi->flags & MB_INFO_CMDLINE) || !mbi->cmdline)
        return 0;
    return (const char *)mbi->cmdline;
}

#endif
