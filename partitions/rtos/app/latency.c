/* app=latency: timer latency, bare metal or as a partition.
 *
 * A priority-0 task sleeps until deadlines D_k = now + period + jitter
 * (0-8 us pseudo-random, so samples are not phase-locked to anything
 * periodic), and for each wake takes two figures in TSC ticks:
 *   handler: rtos_isr_entry_tsc - D_k  (timer fired -> first ISR instruction)
 *   task:    TSC on return from rtos_sleep_until - D_k  (-> task running)
 * After `samples` of them (plus a few warm-up ones not kept) it prints min,
 * avg, max and the 99.9th percentile per path, a 64-bucket histogram per
 * path, under the hypervisor the VM exits taken on this CPU meanwhile
 * (with timer=hpet, and the HPET register writes among them: arming the
 * mediated comparator exits, its interrupt does not), and when serving
 * VMRPC the calls answered meanwhile; with timer=hpet, the cost of one
 * comparator write (BENCH hpet_arm_ticks); then powers off with code 0.
 * The measurement (exits, writes, calls) starts after the warm-up. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/lib.h"
#include "partitions/rtos/app/app.h"
#include "partitions/rtos/app/health.h"
#include "partitions/rtos/arch/x86/hv.h"
#include "partitions/rtos/arch/x86/power.h"
#include "partitions/rtos/include/rtos_rpc.h"
#include "partitions/rtos/arch/x86/timer.h"
#include "partitions/rtos/arch/x86/timer_hpet.h"
#include "partitions/rtos/port.h"

#define WARMUP 32
#define JITTER_US 8
#define HIST_BUCKETS 64
#define ARM_COST_WRITES 100

static uint32_t lat_handler[OPT_MAX_SAMPLES], lat_task[OPT_MAX_SAMPLES], sorted[OPT_MAX_SAMPLES];
static uint32_t n_samples, period_us;

/* Heapsort: in place, no recursion, O(n log n) for 20000 samples. */
static void sift(uint32_t *a, uint32_t root, uint32_t n)
{
    for (uint32_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        uint32_t t = a[root];
        a[root] = a[child];
        a[child] = t;
    }
}

static void sort(uint32_t *a, uint32_t n)
{
    for (uint32_t i = n / 2; i-- > 0;)
        sift(a, i, n);
    for (uint32_t end = n; end-- > 1;) {
        uint32_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift(a, 0, end);
    }
}

static void report(const char *path, const uint32_t *samples, uint32_t n)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += sorted[i] = samples[i];
    sort(sorted, n);
    uint32_t lo = sorted[0], hi = sorted[n - 1];
    uint32_t p999 = sorted[(uint32_t)(((uint64_t)n * 999 + 999) / 1000) - 1]; /* ceil(0.999 n)-th */
    say("LAT %s min %u avg %llu max %u p999 %u ticks", path, lo, udiv64_32(sum, n, NULL), hi, p999);
    /* Buckets [lo + i*w, lo + (i+1)*w), w = ceil((max - min + 1) / 64). */
    uint32_t w = (hi - lo) / HIST_BUCKETS + 1, counts[HIST_BUCKETS] = {0};
    for (uint32_t i = 0; i < n; i++)
        counts[(sorted[i] - lo) / w]++;
    say_begin();
    say_more("HIST %s %u %u", path, lo, lo + w * HIST_BUCKETS);
    for (int i = 0; i < HIST_BUCKETS; i++)
        say_more(" %u", counts[i]);
    say_end();
}

/* After the measurement, so its writes are not counted in it. */
static void report_arm_cost(void)
{
    uint64_t min, avg, empty;
    if (timer_hpet_arm_cost(ARM_COST_WRITES, &min, &avg, &empty) == 0)
        say("BENCH hpet_arm_ticks %llu avg %llu (one comparator write, %u of them, empty rdtsc pair %llu ticks)", min,
            avg, ARM_COST_WRITES, empty);
}

static void bench_task(void *arg)
{
    const struct options *o = arg;
    uint64_t period = rtos_us_to_ticks(period_us);
    uint32_t jitter_span = (uint32_t)rtos_us_to_ticks(JITTER_US) + 1;
    uint32_t seed = 12345, invalid = 0, n = 0;
    uint64_t exits_before = 0, exits_after = 0;
    uint32_t writes_before = 0;
    struct rtos_rpc_stats rpc_before = {0}, rpc_after;
    int hv = hv_present();
    for (uint32_t k = 0; n < n_samples && invalid <= n_samples; k++) {
        if (k == WARMUP) { /* the measurement starts: after boot-time calls (a client's first ones) */
            hv = hv && hv_exit_total(&exits_before) == 0;
            writes_before = timer_hpet_writes();
            rtos_rpc_get_stats(&rpc_before);
        }
        seed = seed * 1103515245u + 12345u; /* LCG (ANSI C's rand) */
        rtos_tick_t due = rtos_now() + period + (seed >> 8) % jitter_span;
        port_irq_state_t s = port_irq_save();
        rtos_isr_entry_tsc = 0;
        port_irq_restore(s);
        rtos_sleep_until(due);
        uint64_t woke = rdtsc();
        if (o->scope_port)
            outb(o->scope_port, 0);
        uint64_t entry = rtos_isr_entry_tsc;
        /* The wake must come from an interrupt at or after the deadline. */
        if ((int64_t)(entry - due) < 0 || (int64_t)(woke - entry) < 0) {
            invalid++;
            continue;
        }
        if (k < WARMUP)
            continue;
        lat_handler[n] = (uint32_t)(entry - due);
        lat_task[n] = (uint32_t)(woke - due);
        health_latency(lat_handler[n], lat_task[n]);
        rtos_rpc_note_latency(lat_task[n]); /* sysinfo reports it */
        n++;
    }
    uint32_t writes = timer_hpet_writes() - writes_before;
    if (hv)
        hv = hv_exit_total(&exits_after) == 0;
    rtos_rpc_get_stats(&rpc_after);

    int hpet = timer_source() == TIMER_HPET;
    say("latency: %u samples (%u discarded), period %u us + 0-%u us jitter, timer=%s, TSC %llu Hz", n, invalid,
        period_us, JITTER_US, hpet ? "hpet" : "tsc", rtos_tsc_hz());
    if (n) {
        report(hpet ? "hpet_handler" : "timer_handler", lat_handler, n);
        report(hpet ? "hpet_task" : "timer_task", lat_task, n);
    }
    /* Less the HC_EXIT_STATS call that read exits_after (the first one was
     * counted before its copy was made, so it is already in exits_before). */
    if (hv && hpet)
        say("exits during measurement: %llu (HPET register writes %u)", exits_after - exits_before - 1, writes);
    else if (hv)
        say("exits during measurement: %llu", exits_after - exits_before - 1);
    if (rpc_serving())
        say("rpc: served %llu calls during measurement (%llu without an exit)", rpc_after.served - rpc_before.served,
            rpc_after.exit_free_replies - rpc_before.exit_free_replies);
    report_arm_cost();
    power_off(n == n_samples ? POWER_EXIT_PASS : POWER_EXIT_FAIL);
}

void latency_start(const struct options *o)
{
    n_samples = o->samples;
    period_us = o->period_us;
    say("latency: %u samples, period %u us, timer=%s%s", n_samples, period_us,
        o->timer == TIMER_HPET ? "hpet" : "tsc", o->scope_port ? ", scope hook on" : "");
    app_spawn("latency", bench_task, (void *)o, 0);
}
