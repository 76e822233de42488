/* The RTOS's command line (partitions/rtos/README.md lists the options). */
#ifndef RTOS_X86_OPTIONS_H
#define RTOS_X86_OPTIONS_H

#include "partitions/common/options.h"

enum rtos_app { APP_DEMO, APP_SELFTEST, APP_LATENCY };
enum rtos_timer_src { TIMER_TSC, TIMER_HPET };

#define OPT_MAX_SAMPLES 20000

struct options {
    uint16_t console_port;     /* default COM1; 0 = none */
    enum rtos_app app;         /* default demo */
    enum rtos_timer_src timer; /* default tsc */
    uint32_t samples;          /* latency: default 2000, at most OPT_MAX_SAMPLES */
    uint32_t period_us;        /* latency: default 200 */
    uint16_t scope_port;       /* 0: no oscilloscope hook */
    uint32_t hpet_pin;         /* IOAPIC pin of HPET comparator 0, default 20 */
    uint32_t heartbeat_ms;     /* demo: first task's period, default 1000 */
    uint32_t beats;            /* demo: power off after this many (0: run forever) */
    uint32_t ap_spin;          /* bare metal: APIC id + 1 of a CPU to keep busy (0: none) */
    uint32_t bad_count;        /* unknown or malformed key=value words */
    const char *bad[OPT_MAX_BAD];
};

/* Parses a copy of cmdline (NULL = empty). Words without '=' are ignored
 * (QEMU puts the kernel path first). Never prints: the console is chosen
 * here. */
void options_parse(const char *cmdline, struct options *o);

#endif
