/* Attacks on the caches the partitions share (attack=KIND, see attacks.h).
 *
 * WBINVD writes back and invalidates every cache of the processor, the
 * last-level cache the other partition runs from included (Intel SDM
 * Vol. 2B, WBINVD); the hypervisor traps it ("WBINVD exiting", Vol. 3C
 * 25.6.2) and ignores it (vmx/exit.c).
 *
 * wbinvd[:N]    executes WBINVD N times (default 1000), then reports how
 *               many of them the hypervisor trapped: its WBINVD exit
 *               count from HC_EXIT_STATS.
 * cache-thrash  never returns: WBINVD, then one store per 64-byte line
 *               over 32 MiB in the upper half of its RAM (more than any
 *               last-level cache), again and again. On real hardware it
 *               evicts the neighbour's lines from the shared LLC and takes
 *               memory bandwidth. After CACHE_REPORT_ROUNDS rounds it
 *               prints its exit statistics once (the WBINVD count). */
#include "partitions/common/console.h"
#include "partitions/common/hv.h"
#include "partitions/common/lib.h"
#include "partitions/test/attacks.h"
#include "partitions/test/stats.h"

#define EXIT_REASON_WBINVD 54 /* Intel SDM Vol. 3D, Appendix C */
#define LINE_BYTES 64
#define THRASH_BYTES (32u << 20)
#define CACHE_REPORT_ROUNDS 4

static struct hv_exit_stats exit_counts; /* static: 656 bytes */

static inline void wbinvd(void) { __asm__ __volatile__("wbinvd" ::: "memory"); }

/* This CPU's WBINVD exits so far, or -1 without a hypervisor. */
static long long wbinvd_exits(void)
{
    if (hc(HC_EXIT_STATS, (uint32_t)&exit_counts, sizeof exit_counts, 0, 0) < 0)
        return -1;
    return (long long)exit_counts.by_reason[EXIT_REASON_WBINVD];
}

static void attack_wbinvd(const char *spec, uint32_t n)
{
    say("attack %s: WBINVD %u times", spec, n);
    long long before = wbinvd_exits();
    for (uint32_t i = 0; i < n; i++)
        wbinvd();
    long long after = wbinvd_exits();
    say("attack %s: survived, %u WBINVD executed, %lld trapped", spec, n, before < 0 ? -1 : after - before);
}

/* The buffer: 32 MiB from the middle of its RAM, far above the kernel
 * image at 1 MiB (linker.ld); smaller when its RAM is. */
__attribute__((noreturn)) static void attack_cache_thrash(const char *spec, uint64_t ram_end)
{
    uint32_t end = ram_end > 0xFFFFF000u ? 0xFFFFF000u : (uint32_t)ram_end;
    uint32_t bytes = end / 4 < THRASH_BYTES ? end / 4 : THRASH_BYTES;
    volatile uint32_t *buf = (volatile uint32_t *)(uintptr_t)(end / 2);
    say("attack %s: WBINVD, then a store per %u-byte line over %u KiB at 0x%08x, forever", spec, LINE_BYTES,
        bytes >> 10, end / 2);
    for (uint32_t round = 1;; round++) {
        wbinvd();
        for (uint32_t off = 0; off < bytes; off += LINE_BYTES)
            buf[off / 4] = round + off;
        if (round == CACHE_REPORT_ROUNDS) {
            say("attack %s: %u rounds", spec, round);
            stats_print();
        }
    }
}

int attack_cache_run(const struct attack_args *a)
{
    uint64_t n = 1000;
    if (kstreq(a->kind, "cache-thrash") && a->nargs == 0)
        attack_cache_thrash(a->spec, a->ctx->ram_end);
    if (!kstreq(a->kind, "wbinvd") && !kstreq(a->kind, "cache-thrash"))
        return 0;
    if (kstreq(a->kind, "wbinvd") && a->nargs <= 1 && (a->nargs == 0 || !parse_u64(a->arg[0], 10, &n)) && n &&
        n <= 1000000)
        attack_wbinvd(a->spec, (uint32_t)n);
    else
        say("attack %s: unknown kind or bad argument (nothing done)", a->spec);
    return 1;
}
