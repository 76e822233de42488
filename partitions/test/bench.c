/* Exit-cost benchmarks; see bench.h. Each figure is min and mean over
 * BENCH_ITERS timed instructions, less the min of an empty timed pair,
 * so it counts the instruction (its exit and re-entry) alone. Under
 * Bochs the TSC counts instructions: figures are exact path lengths. */
#include "partitions/test/bench.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/hv.h"
#include "partitions/common/lib.h"

#define BENCH_ITERS 1000

enum probe { PROBE_EMPTY, PROBE_CPUID, PROBE_VMCALL };

struct result {
    uint64_t min, sum;
};

static struct result measure(enum probe p)
{
    struct result r = {UINT64_MAX, 0};
    for (int i = 0; i < BENCH_ITERS; i++) {
        uint64_t t0 = rdtsc_ordered();
        if (p == PROBE_CPUID)
            (void)cpuid(0, 0);
        else if (p == PROBE_VMCALL) { /* bare VMCALL: no wrapper in the figure */
            uint32_t op = HC_NULL;
            __asm__ __volatile__("vmcall" : "+a"(op) : : "memory");
        }
        uint64_t d = rdtsc_ordered() - t0;
        r.sum += d;
        if (d < r.min)
            r.min = d;
    }
    return r;
}

static void report(const char *name, enum probe p)
{
    struct result base = measure(PROBE_EMPTY), r = measure(p);
    uint64_t avg = udiv64_32(r.sum, BENCH_ITERS, NULL);
    uint64_t min = r.min > base.min ? r.min - base.min : 0;
    avg = avg > base.min ? avg - base.min : 0;
    say("BENCH %s %llu avg %llu (empty rdtsc pair %llu ticks)", name, min, avg, base.min);
}

void bench_cpuid(void) { report("cpuid_exit_ticks", PROBE_CPUID); }

void bench_vmcall(void)
{
    if (!hv_present()) {
        say("BENCH vmcall_null_ticks skipped: no hypervisor");
        return;
    }
    report("vmcall_null_ticks", PROBE_VMCALL);
}
