/* Multiboot memory map reading; see multiboot.h. */
#include "partitions/test/multiboot.h"

#define MB_MMAP_AVAILABLE 1

struct mb_mmap_entry {
    uint32_t size; /* of the rest of the entry: entries may be longer */
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

void mb_mem_summary(const struct mb_info *mbi, struct mb_mem_summary *s)
{
    *s = (struct mb_mem_summary){0};
    if (!mbi)
        return;
    if (mbi->flags & MB_INFO_MMAP) {
        s->from_mmap = 1;
        uint32_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;
        while (p + sizeof(struct mb_mmap_entry) <= end) {
            const struct mb_mmap_entry *e = (const struct mb_mmap_entry *)p;
            if (e->type == MB_MMAP_AVAILABLE) {
                s->usable_entries++;
                s->usable_bytes += e->len;
                if (e->addr + e->len > s->usable_end)
                    s->usable_end = e->addr + e->len;
            }
            p += e->size + 4;
        }
    } else if (mbi->flags & MB_INFO_MEM) {
        s->usable_bytes = ((uint64_t)mbi->mem_lower + mbi->mem_upper) << 10;
        s->usable_end = ((uint64_t)mbi->mem_upper << 10) + 0x100000;
    }
}
