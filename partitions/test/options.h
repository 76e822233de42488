/* The kernel's command line (see README.md for the options). */
#ifndef TESTPART_OPTIONS_H
#define TESTPART_OPTIONS_H

#include "partitions/common/options.h"

enum exit_kind { EXIT_NONE, EXIT_CODE, EXIT_ACPI, EXIT_BOCHS };

struct options {
    uint16_t console_port;  /* default COM1 */
    uint32_t heartbeat_ms;  /* 0: no heartbeat */
    uint32_t beats;         /* 0: beat forever */
    enum exit_kind exit;
    uint32_t exit_code;
    const char *attack;     /* "KIND[:ARG[:ARG]]" or NULL */
    uint32_t attack_after;  /* heartbeats before the attack (default 2) */
    int bench_cpuid, bench_vmcall;
    int stats;
    int smp;                /* start the partition's other CPUs: 1 one by one, 2 by shorthand (smp=broadcast) */
    int hammer;             /* load the machine forever: memory, I/O, hypercalls */
    int gp_continue;        /* every attack recovers from #GP, not just MSR ones */
    int x2apic_keep;        /* do not switch an xAPIC-mode APIC to x2APIC */
    /* VMRPC (rpc.c and friends); rpc_serve RPC_SERVE_NONE and no
     * rpc_call / rpc_bench: interrupts stay off as they always were. */
    enum rpc_serve_mode { RPC_SERVE_NONE, RPC_SERVE_WAIT, RPC_SERVE_DOORBELL } rpc_serve;
    uint32_t rpc_vector;           /* the partition's rpc_vector (default 0x30) */
    int rpc_reply_hypercall;       /* rpc_reply=hypercall: no exit-free replies */
    uint32_t rpc_unregister_after; /* 0: never */
    uint32_t rpc_evq;              /* capacity of echo's event queue; 0: none */
    const char *rpc_call;          /* partition to run the client tests against */
    const char *rpc_bench;         /* partition to benchmark against */
    const char *rpc_load;          /* partition whose echo it calls forever (load for latency tests) */
    uint32_t rpc_bench_n;          /* iterations per figure (default 1000) */
    /* Devices (emul_console.c, bench.c): */
    uint16_t emul_uart_port;       /* emul_uart=PORT: probe and write through it; 0: none */
    const char *console_read;      /* console_read=NAME: HC_CONSOLE_READ at the end */
    const char *console_read_bad;  /* console_read_bad=NAME: the same with bad arguments */
    int bench_emul_uart, bench_pci_cfg, bench_unowned;
    uint32_t ecam;          /* ecam=ADDR: its PCI ECAM window (bus 0), 0: none */
    uint32_t bad_count;     /* unknown or malformed key=value words */
    const char *bad[OPT_MAX_BAD];
};

/* Parses a copy of cmdline (NULL = empty). Words without '=' other than
 * the flags stats, smp and hammer (e.g. the kernel path QEMU puts first) are
 * ignored. Never prints: the console is chosen here. */
void options_parse(const char *cmdline, struct options *o);

#endif
