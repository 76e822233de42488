/* Prints HC_EXIT_STATS; see stats.h. */
#include "partitions/test/stats.h"
#include "partitions/common/console.h"
#include "partitions/common/hv.h"

static struct hv_exit_stats st; /* static: too big for comfort on the stack */

void stats_print(void)
{
    int32_t r = hc(HC_EXIT_STATS, (uint32_t)&st, sizeof st, 0, 0);
    if (r < 0) {
        say("exit stats unavailable: error %d%s", r, hv_present() ? "" : " (no hypervisor)");
        return;
    }
    say("exits total %llu", st.total);
    for (uint32_t i = 0; i < HV_EXIT_REASONS; i++)
        if (st.by_reason[i])
            say("exit reason %u: %llu", i, st.by_reason[i]);
}
