/* The health page: a 4 KiB-aligned structure at a fixed guest-physical
 * address (RTOS_HEALTH_ADDR, placed by arch/x86/linker.ld) that something
 * outside the RTOS (the hypervisor, a debugger) can read without symbols.
 *
 * Readers: check magic and version, then read seq, copy the structure,
 * read seq again; the copy is consistent if both reads are equal and
 * even (seq is odd while an update is in progress). */
#ifndef RTOS_APP_HEALTH_H
#define RTOS_APP_HEALTH_H

#include <stdint.h>

#define RTOS_HEALTH_ADDR 0x1FF000u
#define RTOS_HEALTH_MAGIC "RTOSHLTH" /* 8 bytes, no terminator */
#define RTOS_HEALTH_VERSION 1

struct rtos_health {
    char magic[8];
    uint32_t version;
    uint32_t seq;
    uint64_t tsc_hz;           /* the RTOS's calibrated TSC rate */
    uint64_t heartbeat;        /* bumped by a low-priority periodic task: stalls if starved */
    uint64_t heartbeat_tsc;    /* TSC at the last beat */
    uint64_t deadline_misses;  /* rtos_get_stats(), as of the last beat */
    uint64_t timer_interrupts;
    uint64_t context_switches;
    uint32_t lat_samples;      /* latency app: samples taken so far */
    uint32_t lat_last_handler; /* TSC ticks from deadline to timer ISR entry, last sample */
    uint32_t lat_last_task;    /* TSC ticks from deadline to the task running, last sample */
    uint32_t lat_max_handler;
    uint32_t lat_max_task;
    uint32_t reserved;
};

/* Starts the health task (priority HEALTH_PRIORITY, period HEALTH_PERIOD_MS). */
#define HEALTH_PRIORITY 30
#define HEALTH_PERIOD_MS 100
void health_start(void);
const volatile struct rtos_health *health_page(void);

/* One latency sample (ticks), from the benchmark task. */
void health_latency(uint32_t handler, uint32_t task);

#endif
