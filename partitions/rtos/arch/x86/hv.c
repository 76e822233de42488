/* Exit statistics; see hv.h. */
#include "partitions/rtos/arch/x86/hv.h"

static struct hv_exit_stats exit_stats; /* 656 bytes: not on a task stack */

int hv_exit_total(uint64_t *total)
{
    int32_t r = hc(HC_EXIT_STATS, (uint32_t)&exit_stats, sizeof exit_stats, 0, 0);
    if (r < 0)
        return r;
    *total = exit_stats.total;
    return 0;
}
