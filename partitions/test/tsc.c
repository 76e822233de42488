/* TSC time base; see tsc.h. Busy-waiting on RDTSC (tsc_wait_until in
 * partitions/common/cpu.h) needs no interrupts, which keeps the kernel's
 * IF=0 and its exits to a minimum. */
#include "partitions/test/tsc.h"
#include "partitions/common/lib.h"
#include "partitions/common/pit.h"

static uint64_t hz;
static const char *source = "hypervisor";

void tsc_init(uint64_t given)
{
    hz = given;
    if (!hz) {
        source = "PIT";
        hz = pit_tsc_hz();
        if (hz < 1000000) /* nonsense: assume 1 GHz rather than divide by ~0 */
            hz = 1000000000;
    }
}

uint64_t tsc_hz(void) { return hz; }
const char *tsc_source(void) { return source; }

uint64_t tsc_ticks_ms(uint32_t ms) { return udiv64_32(hz, 1000, NULL) * ms; }
uint64_t tsc_ticks_us(uint32_t us) { return udiv64_32(hz * us, 1000000, NULL); }
