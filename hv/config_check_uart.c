/* See emul_ports.h: the config rule for emulated UARTs, called by
 * config_check (hv/config_check.c) on a sound frame. */
#include "hv/emul_ports.h"
#include "hv/fmt.h"

#define CONSOLE_BASE 0x2F8 /* COM2: the hypervisor log by default (hv/console.c) */
#define CONSOLE_COUNT 8

struct uart_checker {
    void (*report)(const char *msg, void *ctx);
    void *ctx;
    int problems;
};

static void problem(struct uart_checker *c, const struct cfg_partition *p, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void problem(struct uart_checker *c, const struct cfg_partition *p, const char *fmt, ...)
{
    char why[160], msg[256];
    va_list ap;
    va_start(ap, fmt);
    fmt_vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    fmt_snprintf(msg, sizeof msg, "partition '%.40s' emulated UART [0x%x, 0x%x) %s", p->name ? p->name : "",
                 p->emul_uart_port, p->emul_uart_port + EMUL_UART_PORTS, why);
    c->problems++;
    if (c->report)
        c->report(msg, c->ctx);
}

static bool overlap(uint32_t a, uint32_t a_count, uint32_t b, uint32_t b_count)
{
    return a < b + b_count && b < a + a_count;
}

static void check_owned(struct uart_checker *c, const struct hv_config *cfg, const struct cfg_partition *p)
{
    for (uint32_t j = 0; j < cfg->partition_count; j++) {
        const struct cfg_partition *o = &cfg->partitions[j];
        for (uint32_t e = 0; e < o->io_count && e < CFG_MAX_IO; e++)
            if (overlap(p->emul_uart_port, EMUL_UART_PORTS, o->io[e].base, o->io[e].count))
                problem(c, p, "overlaps %s'%.40s' port range [0x%x, 0x%x)", o == p ? "its own " : "partition ",
                        o->name ? o->name : "", o->io[e].base, o->io[e].base + o->io[e].count);
    }
}

static void check_partition(struct uart_checker *c, const struct hv_config *cfg, const struct cfg_partition *p)
{
    uint32_t base = p->emul_uart_port;
    if (base + EMUL_UART_PORTS > 0x10000u) {
        problem(c, p, "runs past port 0xFFFF");
        return;
    }
    if (overlap(base, EMUL_UART_PORTS, CONSOLE_BASE, CONSOLE_COUNT))
        problem(c, p, "overlaps the hypervisor console COM2 [0x2f8, 0x300)");
    for (size_t k = 0; k < sizeof emul_fixed_ports / sizeof emul_fixed_ports[0]; k++)
        if (overlap(base, EMUL_UART_PORTS, emul_fixed_ports[k].base, emul_fixed_ports[k].count))
            problem(c, p, "overlaps %s, which the hypervisor emulates", emul_fixed_ports[k].what);
    check_owned(c, cfg, p);
}

int config_check_emul_uart(const struct hv_config *cfg, void (*report)(const char *msg, void *ctx), void *ctx)
{
    struct uart_checker c = {.report = report, .ctx = ctx};
    for (uint32_t i = 0; i < cfg->partition_count && i < CFG_MAX_PARTITIONS; i++)
        if (cfg->partitions[i].emul_uart_port)
            check_partition(&c, cfg, &cfg->partitions[i]);
    return c.problems;
}
