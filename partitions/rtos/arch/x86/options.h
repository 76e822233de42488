/* The RTOS's command line (partitions/rtos/README.md lists the options). */
#ifndef RTOS_X86_OPTIONS_H
#define RTOS_X86_OPTIONS_H

#include "partitions/common/options.h"

enum rtos_app { APP_DEMO, APP_SELFTEST, APP_LATENCY, APP_RPCTEST, APP_RPCBENCH };
enum rtos_rpc_opt { RPC_AUTO, RPC_OFF, RPC_ON }; /* auto: on for demo, rpctest, rpcbench */
enum rtos_timer_src { TIMER_TSC, TIMER_HPET };
enum rtos_nic { NIC_OFF, NIC_PNIC };

#define OPT_MAX_SAMPLES 20000
#define OPT_RPC_GUARD_DEFAULT UINT32_MAX /* rpc_guard_us not given: RTOS_RPC_GUARD_DEFAULT ticks */
#define OPT_PEER_MAX 24
#define OPT_RPC_MODE_AUTO UINT32_MAX /* rpc_mode not given: poll for latency, else doorbell */
#define OPT_NET_UDP_AUTO UINT32_MAX  /* net_udp not given: VMRPC_NET_DEMO_PORT for demo, else 0 */

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
    uint32_t idle_poll;        /* idle=poll: the idle task spins instead of halting */
    enum rtos_rpc_opt rpc;     /* serve sysinfo and echo (under the hypervisor) */
    uint32_t rpc_mode;         /* enum vmrpc_recv_mode: default poll for latency, doorbell otherwise */
    uint32_t rpc_prio;         /* server tasks' priority, default 20 */
    uint32_t rpc_vector;       /* doorbell and completion vector, default 0x30 */
    uint32_t rpc_guard_us;     /* guard window; OPT_RPC_GUARD_DEFAULT: the library's */
    char rpc_peer[OPT_PEER_MAX]; /* partition the rpc apps call, default gpos */
    uint32_t rpc_calls;        /* rpctest, rpcbench: calls per step, default 100 */
    uint32_t rpc_epipe_ms;     /* rpctest: wait this long for the peer to unregister (0: skip) */
    uint32_t rpc_evq;          /* capacity of an event queue made on echo for clients (0: none) */
    uint32_t net_udp;          /* UDP port on the peer's 127.0.0.1 for latency reports through PEER/net (0: off) */
    enum rtos_nic nic;         /* nic=pnic: the fieldbus master (app/fieldbus.c); default off */
    uint32_t nic_cycle_us;     /* its period, default 1000 */
    uint32_t nic_cycles;       /* measured cycles before its final report and power-off (0: run forever) */
    uint32_t nic_report_ms;    /* period of its running reports, default 1000 (0: none) */
    uint32_t bad_count;        /* unknown or malformed key=value words */
    const char *bad[OPT_MAX_BAD];
};

/* Parses a copy of cmdline (NULL = empty). Words without '=' are ignored
 * (QEMU puts the kernel path first). Never prints: the console is chosen
 * here. */
void options_parse(const char *cmdline, struct options *o);

#endif
