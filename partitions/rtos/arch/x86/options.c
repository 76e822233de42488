/* Command-line parsing; see options.h. Splitting and the value parsers:
 * partitions/common/options.c. */
#include "partitions/rtos/arch/x86/options.h"
#include "partitions/common/console.h"
#include "partitions/common/lib.h"
#include "include/vmrpc_abi.h"
#include "include/vmrpc_net.h"

static int parse_port(const char *v, uint16_t *port)
{
    uint32_t p;
    if (opt_u32(v, 16, 1, 0xFFFF, &p))
        return -1;
    *port = (uint16_t)p;
    return 0;
}

/* Vectors 0x20-0xFE, not the timers' nor spurious. */
static int parse_vector(const char *v, uint32_t *out)
{
    if (opt_u32(v, 16, 0x20, 0xFE, out))
        return -1;
    return *out == 0x40 || *out == 0x41 ? -1 : 0;
}

static int parse_rpc(const char *k, char *v, struct options *o)
{
    static const char *const onoff[] = {"auto", "off", "on"}, *const modes[] = {"wait", "doorbell", "poll"};
    unsigned choice;
    if (kstreq(k, "rpc")) {
        if (opt_choice(v, onoff, 3, &choice))
            return 1;
        o->rpc = (enum rtos_rpc_opt)choice;
        return 0;
    }
    if (kstreq(k, "rpc_mode"))
        return opt_choice(v, modes, 3, &o->rpc_mode) ? 1 : 0;
    if (kstreq(k, "rpc_prio"))
        return opt_u32(v, 10, 0, 30, &o->rpc_prio);
    if (kstreq(k, "rpc_vector"))
        return parse_vector(v, &o->rpc_vector);
    if (kstreq(k, "rpc_guard_us"))
        return opt_u32(v, 10, 0, 1000000, &o->rpc_guard_us);
    if (kstreq(k, "rpc_calls"))
        return opt_u32(v, 10, 1, 1000000, &o->rpc_calls);
    if (kstreq(k, "rpc_evq"))
        return opt_u32(v, 10, 1, VMRPC_EVQ_MAX_CAPACITY, &o->rpc_evq);
    if (kstreq(k, "rpc_epipe_ms"))
        return opt_u32(v, 10, 0, 600000, &o->rpc_epipe_ms);
    if (kstreq(k, "rpc_peer")) {
        size_t n = kstrlen(v);
        if (!n || n >= OPT_PEER_MAX)
            return 1;
        memcpy(o->rpc_peer, v, n + 1);
        return 0;
    }
    return 1;
}

static int parse_nic(const char *k, char *v, struct options *o)
{
    static const char *const nics[] = {[NIC_OFF] = "off", [NIC_PNIC] = "pnic"};
    unsigned choice;
    if (kstreq(k, "nic")) {
        if (opt_choice(v, nics, 2, &choice))
            return 1;
        o->nic = (enum rtos_nic)choice;
        return 0;
    }
    if (kstreq(k, "nic_cycle_us"))
        return opt_u32(v, 10, 20, 1000000, &o->nic_cycle_us);
    if (kstreq(k, "nic_cycles"))
        return opt_u32(v, 10, 0, UINT32_MAX, &o->nic_cycles);
    if (kstreq(k, "nic_report_ms"))
        return opt_u32(v, 10, 0, 3600000, &o->nic_report_ms);
    return 1;
}

static int parse_word(const char *k, char *v, void *ctx)
{
    static const char *const apps[] = {[APP_DEMO] = "demo",         [APP_SELFTEST] = "selftest",
                                       [APP_LATENCY] = "latency",   [APP_RPCTEST] = "rpctest",
                                       [APP_RPCBENCH] = "rpcbench"};
    static const char *const timers[] = {[TIMER_TSC] = "tsc", [TIMER_HPET] = "hpet"};
    struct options *o = ctx;
    unsigned choice = 0;
    if (!v)
        return 0; /* bare words: not ours */
    if (kstreq(k, "console"))
        return opt_console(v, &o->console_port);
    if (kstreq(k, "app")) {
        if (opt_choice(v, apps, 5, &choice))
            return 1;
        o->app = (enum rtos_app)choice;
        return 0;
    }
    if (kstreq(k, "timer")) {
        if (opt_choice(v, timers, 2, &choice))
            return 1;
        o->timer = (enum rtos_timer_src)choice;
        return 0;
    }
    if (kstreq(k, "samples"))
        return opt_u32(v, 10, 1, OPT_MAX_SAMPLES, &o->samples);
    if (kstreq(k, "period_us"))
        return opt_u32(v, 10, 20, 1000000, &o->period_us);
    if (kstreq(k, "scope_port"))
        return parse_port(v, &o->scope_port);
    if (kstreq(k, "hpet_pin"))
        return opt_u32(v, 10, 0, 31, &o->hpet_pin);
    if (kstreq(k, "heartbeat"))
        return opt_u32(v, 10, 1, 3600000, &o->heartbeat_ms);
    if (kstreq(k, "beats"))
        return opt_u32(v, 10, 0, UINT32_MAX, &o->beats);
    if (kstrprefix(k, "rpc"))
        return parse_rpc(k, v, o);
    if (kstreq(k, "idle")) {
        static const char *const idles[] = {"halt", "poll"};
        return opt_choice(v, idles, 2, &o->idle_poll) ? 1 : 0;
    }
    if (kstrprefix(k, "nic"))
        return parse_nic(k, v, o);
    if (kstreq(k, "net_udp"))
        return opt_u32(v, 10, 0, 0xFFFF, &o->net_udp);
    if (kstreq(k, "ap_spin")) {
        if (opt_u32(v, 10, 0, 254, &o->ap_spin))
            return 1;
        o->ap_spin++; /* stored as id + 1 so that 0 means none */
        return 0;
    }
    return 1;
}

void options_parse(const char *cmdline, struct options *o)
{
    *o = (struct options){
        .console_port = COM1_PORT,
        .samples = 2000,
        .period_us = 200,
        .hpet_pin = 20,
        .heartbeat_ms = 1000,
        .rpc_mode = OPT_RPC_MODE_AUTO,
        .rpc_prio = 20,
        .rpc_vector = 0x30,
        .rpc_guard_us = OPT_RPC_GUARD_DEFAULT,
        .rpc_peer = "gpos",
        .rpc_calls = 100,
        .net_udp = OPT_NET_UDP_AUTO,
        .nic_cycle_us = 1000,
        .nic_report_ms = 1000};
    opt_parse(cmdline, parse_word, o, o->bad, &o->bad_count);
    /* The latency benchmark serves from the idle task: nothing of an RPC
     * then runs with interrupts masked (README, VMRPC). */
    if (o->rpc_mode == OPT_RPC_MODE_AUTO)
        o->rpc_mode = o->app == APP_LATENCY ? VMRPC_RECV_POLL : VMRPC_RECV_DOORBELL;
    /* The demo reports its latency to Linux (socket outsourcing, VMRPC). */
    if (o->net_udp == OPT_NET_UDP_AUTO)
        o->net_udp = o->app == APP_DEMO ? VMRPC_NET_DEMO_PORT : 0;
}
