/* Real mode (probe group 8): leave protected mode for real mode and come
 * back (realmode.S), as boot loaders and kernels calling 16-bit code do.
 * In real mode the snippet raises an INT through an IVT of its own (no
 * BIOS), stores through a segment register and reads CR0. */
#include "partitions/common/lib.h"
#include "partitions/conform/conform.h"
#include "partitions/conform/realmode.h"

struct realmode_results {
    uint16_t ax_after_int; /* 0x1234 + 0x1111 when the handler ran */
    uint16_t handler_ran;
    uint32_t cr0;
};

extern const char realmode_blob_start[], realmode_blob_end[];
extern const char realmode_handler_offset[]; /* absolute symbol: its address */
void realmode_roundtrip(void);

void probe_realmode(void)
{
    volatile struct realmode_results *res = (volatile struct realmode_results *)REALMODE_RESULTS;
    volatile uint16_t *seg_target = (volatile uint16_t *)(REALMODE_SEGMENT * 16 + REALMODE_SEG_OFFSET);
    volatile uint32_t *ivt = (volatile uint32_t *)REALMODE_IVT;

    memcpy((void *)REALMODE_BASE, realmode_blob_start, (size_t)(realmode_blob_end - realmode_blob_start));
    memset((void *)REALMODE_IVT, 0, 0x400);
    ivt[REALMODE_VECTOR] = (uint32_t)realmode_handler_offset; /* segment 0 : offset */
    res->ax_after_int = 0;
    res->handler_ran = 0;
    res->cr0 = 0xFFFFFFFFu;
    *seg_target = 0;

    __asm__ __volatile__("cli");
    realmode_roundtrip();

    conf("realmode.cr0_pe", "%u", res->cr0 & 1);
    conf("realmode.int_own_ivt", "%s", res->handler_ran && res->ax_after_int == 0x2345 ? "ok" : "failed");
    conf("realmode.segmented_store", "%s", *seg_target == REALMODE_SEG_MARK ? "ok" : "failed");
    conf("realmode.roundtrip", "ok");
}
