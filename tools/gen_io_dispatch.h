/* Which device model answers each port a partition does not own, decided
 * from the static config at build time (the LilyVM seed's "formal port
 * numbers", ../shared/SEEDS.md section 2): tools/gen_io_dispatch_main.c
 * turns this map into C switches that vmx/exit_io.c calls, so an exit
 * goes straight to the model's function with the register number a
 * constant. Pure; host-tested (tests/unit/test_io_dispatch.c). */
#ifndef TOOLS_GEN_IO_DISPATCH_H
#define TOOLS_GEN_IO_DISPATCH_H

#include "hv/emul_ports.h"

/* Ports one partition's models answer: its UART's eight (when it has
 * one), then the fixed ones of hv/emul_ports.h no partition owns. */
#define IO_MAP_MAX (EMUL_UART_PORTS + 16)

struct io_port_model {
    uint16_t port;
    enum io_model model;
    uint8_t reg; /* IO_MODEL_UART: the register (port - emul_uart_port) */
};

/* Fills out (IO_MAP_MAX entries) with partition i's map, sorted by port;
 * returns the number of entries, or -1 when two models claim a port (a
 * config that tools/config-check refuses). */
int io_port_map(const struct hv_config *cfg, uint32_t i, struct io_port_model *out);

#endif
