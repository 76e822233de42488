/* One partition on both CPUs of a 2-CPU, 512 MiB machine: its boot CPU
 * starts the other with INIT-SIPI-SIPI, as on bare metal. Used by the
 * scenario that checks a multi-CPU partition. */
#include "hv/config.h"

const struct hv_config hv_config = {
    .name = "smp",
    .cpu_count = 2,
    .ram_count = 2,
    .ram = {{0, 0x9F000}, {MiB(1), MiB(511)}},
    .hypervisor = {0, MiB(64)},
    .partition_count = 1,
    .partitions = {
        {
            .name = "duo",
            .cpus = (1u << 0) | (1u << 1),
            .mem_count = 1,
            .mem = {{CFG_MEM_RAM, 0, MiB(64), MiB(64)}},
            .io_count = 1,
            .io = {{0x3F8, 8}},
            .pin_count = 1,
            .ioapic_pins = {4},
            .image = "duo.elf",
            .cmdline = "console=com1",
            .lapic_mode = CFG_LAPIC_XAPIC, /* as a CPU leaves reset: unmodified kernels switch themselves */
            .pci_ecam = 0xB0000000, /* an ECAM window onto its empty bus (no functions: all ones there too) */
        },
    },
};
