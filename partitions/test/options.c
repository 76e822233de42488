/* Command-line parsing; see options.h and README.md. Splitting and the
 * value parsers: partitions/common/options.c. */
#include "partitions/test/options.h"
#include "partitions/common/console.h"
#include "partitions/common/lib.h"
#include "partitions/common/options.h"
#include "include/vmrpc_abi.h"

/* This kernel always has a console (no "none"), and a hex port must
 * leave room for the UART's eight registers. */
static int parse_console(const char *v, uint16_t *port)
{
    uint16_t p;
    if (opt_console(v, &p) || p == 0 || p > 0xFFF8)
        return -1;
    *port = p;
    return 0;
}

static int parse_exit(const char *v, struct options *o)
{
    if (kstreq(v, "acpi"))
        o->exit = EXIT_ACPI;
    else if (kstreq(v, "bochs"))
        o->exit = EXIT_BOCHS;
    else if (kstreq(v, "none"))
        o->exit = EXIT_NONE;
    else if (!opt_u32(v, 10, 0, UINT32_MAX, &o->exit_code))
        o->exit = EXIT_CODE;
    else
        return -1;
    return 0;
}

/* "cpuid", "vmcall", "all", or a comma-separated list of them. */
static int parse_bench(char *v, struct options *o)
{
    for (char *w = v; w;) {
        char *comma = w;
        while (*comma && *comma != ',')
            comma++;
        char *next = *comma ? comma + 1 : NULL;
        *comma = 0;
        if (kstreq(w, "cpuid"))
            o->bench_cpuid = 1;
        else if (kstreq(w, "vmcall"))
            o->bench_vmcall = 1;
        else if (kstreq(w, "all"))
            o->bench_cpuid = o->bench_vmcall = 1;
        else if (kstreq(w, "devices")) /* emul_uart, pci_cfg, unowned */
            o->bench_emul_uart = o->bench_pci_cfg = o->bench_unowned = 1;
        else
            return -1;
        w = next;
    }
    return 0;
}

/* A partition name for rpc_call / rpc_bench: non-empty, fits a bind name. */
static int parse_partition(const char *v, const char **out)
{
    if (!*v || kstrlen(v) >= HV_NAME_MAX)
        return -1;
    *out = v;
    return 0;
}

static int parse_rpc(const char *k, char *v, struct options *o)
{
    if (kstreq(k, "rpc_serve")) {
        static const char *const modes[] = {"none", "wait", "doorbell"};
        unsigned m;
        if (opt_choice(v, modes, 3, &m))
            return -1;
        o->rpc_serve = (enum rpc_serve_mode)m;
        return 0;
    }
    if (kstreq(k, "rpc_reply")) {
        o->rpc_reply_hypercall = kstreq(v, "hypercall");
        return !o->rpc_reply_hypercall && !kstreq(v, "direct");
    }
    if (kstreq(k, "rpc_vector"))
        return opt_u32(v, 16, 0x20, 0xFE, &o->rpc_vector);
    if (kstreq(k, "rpc_unregister_after"))
        return opt_u32(v, 10, 1, UINT32_MAX, &o->rpc_unregister_after);
    if (kstreq(k, "rpc_evq"))
        return opt_u32(v, 10, 1, VMRPC_EVQ_MAX_CAPACITY, &o->rpc_evq);
    if (kstreq(k, "rpc_call"))
        return parse_partition(v, &o->rpc_call);
    if (kstreq(k, "rpc_bench"))
        return parse_partition(v, &o->rpc_bench);
    if (kstreq(k, "rpc_load"))
        return parse_partition(v, &o->rpc_load);
    if (kstreq(k, "rpc_bench_n"))
        return opt_u32(v, 10, 1, 1000000, &o->rpc_bench_n);
    return 1;
}

static int parse_word(const char *k, char *v, void *ctx)
{
    struct options *o = ctx;
    if (!v) {
        if (kstreq(k, "stats"))
            o->stats = 1;
        else if (kstreq(k, "smp"))
            o->smp = 1;
        else if (kstreq(k, "hammer"))
            o->hammer = 1;
        return 0; /* other bare words: not ours */
    }
    if (kstreq(k, "console"))
        return parse_console(v, &o->console_port);
    if (kstreq(k, "smp")) { /* smp=broadcast: INIT and SIPI by "all excluding self" */
        o->smp = 2;
        return !kstreq(v, "broadcast");
    }
    if (kstreq(k, "heartbeat"))
        return opt_u32(v, 10, 0, UINT32_MAX, &o->heartbeat_ms) || o->heartbeat_ms == 0;
    if (kstreq(k, "beats"))
        return opt_u32(v, 10, 0, UINT32_MAX, &o->beats);
    if (kstreq(k, "exit"))
        return parse_exit(v, o);
    if (kstreq(k, "attack")) {
        o->attack = v;
        return !*v;
    }
    if (kstreq(k, "attack_after"))
        return opt_u32(v, 10, 0, UINT32_MAX, &o->attack_after);
    if (kstreq(k, "bench"))
        return parse_bench(v, o);
    if (kstreq(k, "gp")) {
        o->gp_continue = kstreq(v, "continue");
        return !o->gp_continue && !kstreq(v, "halt");
    }
    if (kstreq(k, "x2apic")) {
        o->x2apic_keep = kstreq(v, "keep");
        return !o->x2apic_keep && !kstreq(v, "enable");
    }
    if (kstrprefix(k, "rpc_"))
        return parse_rpc(k, v, o);
    if (kstreq(k, "emul_uart"))
        return parse_console(v, &o->emul_uart_port);
    if (kstreq(k, "console_read"))
        return parse_partition(v, &o->console_read);
    if (kstreq(k, "console_read_bad"))
        return parse_partition(v, &o->console_read_bad);
    if (kstreq(k, "ecam")) /* 1 MiB aligned, below 4 GiB: paging is off */
        return opt_u32(v, 16, 0x100000, 0xFFF00000u, &o->ecam) || (o->ecam & 0xFFFFF);
    return 1;
}

void options_parse(const char *cmdline, struct options *o)
{
    *o = (struct options){.console_port = COM1_PORT, .attack_after = 2, .rpc_vector = 0x30, .rpc_bench_n = 1000};
    opt_parse(cmdline, parse_word, o, o->bad, &o->bad_count);
}
