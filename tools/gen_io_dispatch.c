/* See gen_io_dispatch.h. */
#include "tools/gen_io_dispatch.h"

static bool owned_by_any(const struct hv_config *cfg, uint16_t port)
{
    for (uint32_t j = 0; j < cfg->partition_count && j < CFG_MAX_PARTITIONS; j++) {
        const struct cfg_partition *p = &cfg->partitions[j];
        for (uint32_t e = 0; e < p->io_count && e < CFG_MAX_IO; e++)
            if (port >= p->io[e].base && port - p->io[e].base < p->io[e].count)
                return true;
    }
    return false;
}

static void add(struct io_port_model *out, int *n, uint16_t port, enum io_model model, uint8_t reg)
{
    if (*n < IO_MAP_MAX)
        out[*n] = (struct io_port_model){port, model, reg};
    (*n)++;
}

/* Insertion sort by port (a few dozen entries); -1 on a duplicate. */
static int sort_unique(struct io_port_model *m, int n)
{
    for (int k = 1; k < n; k++)
        for (int j = k; j > 0 && m[j - 1].port > m[j].port; j--) {
            struct io_port_model t = m[j];
            m[j] = m[j - 1];
            m[j - 1] = t;
        }
    for (int k = 1; k < n; k++)
        if (m[k].port == m[k - 1].port)
            return -1;
    return n;
}

int io_port_map(const struct hv_config *cfg, uint32_t i, struct io_port_model *out)
{
    const struct cfg_partition *p = &cfg->partitions[i];
    int n = 0;
    if (p->emul_uart_port) {
        if (p->emul_uart_port > 0x10000 - EMUL_UART_PORTS)
            return -1;
        for (uint8_t r = 0; r < EMUL_UART_PORTS; r++)
            add(out, &n, (uint16_t)(p->emul_uart_port + r), IO_MODEL_UART, r);
    }
    for (size_t k = 0; k < sizeof emul_fixed_ports / sizeof emul_fixed_ports[0]; k++)
        for (uint16_t d = 0; d < emul_fixed_ports[k].count; d++) {
            uint16_t port = (uint16_t)(emul_fixed_ports[k].base + d);
            if (!owned_by_any(cfg, port))
                add(out, &n, port, emul_fixed_ports[k].model, 0);
        }
    return n > IO_MAP_MAX ? -1 : sort_unique(out, n);
}
