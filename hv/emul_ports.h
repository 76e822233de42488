/* The I/O ports the hypervisor answers itself, with a device model, in
 * every partition (vmx/exit_io.c), and the kinds of model. The dispatch
 * from port to model is generated from the config at build time
 * (tools/gen_io_dispatch.c); tools/config-check keeps a partition's
 * emulated UART (emul_uart_port) off these and off every owned port
 * (hv/config_check_uart.c). */
#ifndef HV_EMUL_PORTS_H
#define HV_EMUL_PORTS_H

#include "arch/x86/partition_acpi.h"
#include "hv/config.h"

enum io_model {
    IO_MODEL_NONE = 0, /* nobody's: the absent-device path */
    IO_MODEL_UART,     /* the partition's emulated 16550 (hv/uart_model.h) */
    IO_MODEL_PCI_CFG,  /* its PCI configuration space, mechanism #1 (hv/pci_cfg.h) */
    IO_MODEL_RTC,      /* its CMOS clock (hv/rtc_cmos.h) */
    IO_MODEL_POWER,    /* a power-off port (a write may stop it; reads give all ones) */
};

#define EMUL_PORT_DEBUG_EXIT 0xF4      /* QEMU's isa-debug-exit */
#define EMUL_PORT_BOCHS_SHUTDOWN 0x8900 /* "Shutdown" written here */
#define EMUL_UART_PORTS 8

struct emul_port_range {
    uint16_t base, count;
    enum io_model model;
    const char *what;
};

/* Every partition's, unless a partition owns the port (power-off ports
 * may be given to one; the others are never, hv/config_check.c). The ACPI
 * PM1a control port is a power-off port too, but where it is comes from
 * the machine's FADT at boot: the run-time path checks it. */
static const struct emul_port_range emul_fixed_ports[] = {
    {0xCF8, 8, IO_MODEL_PCI_CFG, "the PCI configuration ports [0xcf8, 0xd00)"},
    {0x70, 2, IO_MODEL_RTC, "the CMOS clock ports [0x70, 0x72)"},
    {EMUL_PORT_DEBUG_EXIT, 1, IO_MODEL_POWER, "the power-off port 0xf4"},
    {EMUL_PORT_BOCHS_SHUTDOWN, 1, IO_MODEL_POWER, "the Bochs shutdown port 0x8900"},
    {PACPI_SLEEP_CONTROL_PORT, 2, IO_MODEL_POWER, "the ACPI sleep control ports [0x640, 0x642)"},
};

/* Checks each partition's emul_uart_port: its eight ports inside
 * 0-0xFFFF, off the hypervisor console COM2 [0x2f8, 0x300), off the
 * ports above and off every port range of every partition (its own
 * included: an owned port never exits, so the model would never see it).
 * Two partitions may have emulated UARTs at the same ports: each has its
 * own. Reports like config_check; returns the number of problems. Pure;
 * host-tested (tests/unit/test_config_uart.c). */
int config_check_emul_uart(const struct hv_config *cfg, void (*report)(const char *msg, void *ctx), void *ctx);

#endif
