/* The standard scenario on a 2-CPU, 512 MiB machine (Bochs in the tests):
 * an RTOS partition on CPU 1 and a general-purpose partition (Linux, or
 * the in-tree test kernel) on the boot CPU. Guest RAM starts at
 * guest-physical 0 in both; the hypervisor keeps the first 160 MiB
 * (image, page tables, stacks, and the boot modules: Linux's uncompressed
 * vmlinux alone is 66 MB, and the copy must not overlap where GRUB put it). */
#include "hv/config.h"

/* configs/linux-smp.c reuses this file with more CPUs. */
#ifndef DEMO_NAME
#define DEMO_NAME "demo"
#define DEMO_CPU_COUNT 2
#define DEMO_GPOS_CPUS (1u << 0)
#endif

#define COM1 0x3F8
#define COM3 0x3E8
#define LPT1 0x378
#define HPET_MMIO 0xFED00000

const struct hv_config hv_config = {
    .name = DEMO_NAME,
    .cpu_count = DEMO_CPU_COUNT,
    .ram_count = 2,
    .ram = {{0, 0x9F000}, {MiB(1), MiB(511)}},
    .hypervisor = {0, MiB(160)},
    .partition_count = 2,
    .partitions = {
        {
            .name = "rtos",
            .cpus = 1u << 1,
            .mem_count = 2,
            .mem = {
                {CFG_MEM_RAM, 0, MiB(160), MiB(32)},
                {CFG_MEM_HPET, HPET_MMIO, HPET_MMIO, 0x1000}, /* its timer, mediated */
            },
            .hpet_timers = 1u << 0, /* comparator 0, routed to its pin 20 */
            .io_count = 2,
            .io = {{COM3, 8}, /* its console */
                   {LPT1, 3}}, /* parallel port: the oscilloscope pin (scope_port=0x378) */
            .pin_count = 2,
            .ioapic_pins = {20, 21}, /* HPET comparator routes */
            .image = "rtos.elf",
            .cmdline = "console=com3",
            .health_gpa = 0x1FF000, /* partitions/rtos/app/health.h */
            .rpc_serve = {"sysinfo", "echo"},
            .rpc_bind = {"gpos/sysinfo", "gpos/echo", "gpos/net"},
            .rpc_vector = 0x30, /* below the timers' priority class (0x40, 0x41) */
        },
        {
            .name = "gpos",
            .cpus = DEMO_GPOS_CPUS,
            .mem_count = 1,
            .mem = {{CFG_MEM_RAM, 0, MiB(192), MiB(256)}},
            .io_count = 1,
            .io = {{COM1, 8}},
            .pin_count = 2,
            .ioapic_pins = {4, 22}, /* COM1; its VMRPC notification line (rpc_gsi) */
            .image = "gpos.elf",
            .cmdline = "console=com1",
            .hlt_exits = true,
            .lapic_mode = CFG_LAPIC_XAPIC, /* as a CPU leaves reset: unmodified kernels switch themselves */
            .rpc_serve = {"sysinfo", "echo", "net"},
            .rpc_bind = {"rtos/sysinfo", "rtos/echo"},
            .rpc_vector = 0x30, /* until it programs rpc_gsi (Linux does) */
            .rpc_gsi = 22,
        },
    },
};
