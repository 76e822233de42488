/* Memory figures from the multiboot info (partitions/common/multiboot.h). */
#ifndef TESTPART_MULTIBOOT_H
#define TESTPART_MULTIBOOT_H

#include "partitions/common/multiboot.h"

struct mb_mem_summary {
    uint64_t usable_bytes; /* sum of type-1 (available) entries */
    uint64_t usable_end;   /* highest end of a type-1 entry */
    uint32_t usable_entries;
    int from_mmap;         /* 0: from mem_lower/mem_upper */
};

/* mbi NULL: all zero. */
void mb_mem_summary(const struct mb_info *mbi, struct mb_mem_summary *s);

#endif
