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
#ifndef DEMO_GPOS_HLT_EXITS
#define DEMO_GPOS_HLT_EXITS true
#endif
#ifndef DEMO_GPOS_CMDLINE
#define DEMO_GPOS_CMDLINE "console=com1"
#endif

#define COM1 0x3F8
#define COM3 0x3E8
#define LPT1 0x378
#define HPET_MMIO 0xFED00000
/* The machine's PCI functions (tools/bochs-run.sh; the Bochs BIOS routes
 * INTx through the PIIX3's PIRQ registers: PIRQA/C -> IRQ 11, B/D -> 9). */
#define PIIX3_IDE PCI_BDF(0, 1, 1) /* legacy mode: secondary channel 0x170-0x177, 0x376, IRQ 15 */
#define NE2000 PCI_BDF(0, 2, 0)    /* slot 1: I/O BAR0, INTA -> PIRQB -> IRQ 9 */
#define PNIC PCI_BDF(0, 3, 0)      /* slot 2: I/O BAR4, INTA -> PIRQC -> IRQ 11 (polled) */
#define IDE2_CMD 0x170
#define IDE2_CTL 0x376
#define IDE2_IRQ 15
#define NE2000_IRQ 9
/* Each partition's emulated ECAM window for its bus 0 (1 MiB, never
 * mapped: hv/pci_cfg.h), in a hole of both guest maps (RAM below 256 MiB,
 * device pages from 0xFEC00000), where QEMU's q35 puts its own. Linux
 * finds it in its ACPI MCFG, the test kernel in its ecam= option. */
#define ECAM_WINDOW 0xB0000000ull

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
            .emul_uart_port = 0x2E8, /* COM4, emulated: a second console, in the log and for the manager */
            .health_gpa = 0x1FF000, /* partitions/rtos/app/health.h */
            .rpc_serve = {"sysinfo", "echo"},
            .rpc_bind = {"gpos/sysinfo", "gpos/echo", "gpos/net"},
            .rpc_vector = 0x30, /* below the timers' priority class (0x40, 0x41) */
            /* The pseudo-NIC, polled: its INTx line (IRQ 11) is nobody's. */
            .pci_count = 1,
            .pci = {{PNIC, PCI_BDF(0, 1, 0)}},
            .pci_ecam = ECAM_WINDOW,
        },
        {
            .name = "gpos",
            .cpus = DEMO_GPOS_CPUS,
            .mem_count = 1,
            .mem = {{CFG_MEM_RAM, 0, MiB(192), MiB(256)}},
            .io_count = 3,
            .io = {{COM1, 8},
                   {IDE2_CMD, 8}, {IDE2_CTL, 1}}, /* the IDE's secondary channel (legacy mode, no BAR) */
            .pin_count = 4,
            .ioapic_pins = {4, 22, IDE2_IRQ, NE2000_IRQ}, /* COM1; its VMRPC notification line (rpc_gsi); disk; NIC */
            .image = "gpos.elf",
            .cmdline = DEMO_GPOS_CMDLINE,
            .hlt_exits = DEMO_GPOS_HLT_EXITS,
            .manager = true, /* may read the others' emulated consoles (HC_CONSOLE_READ) */
            .lapic_mode = CFG_LAPIC_XAPIC, /* as a CPU leaves reset: unmodified kernels switch themselves */
            .rpc_serve = {"sysinfo", "echo", "net"},
            .rpc_bind = {"rtos/sysinfo", "rtos/echo"},
            .rpc_vector = 0x30, /* until it programs rpc_gsi (Linux does) */
            .rpc_gsi = 22,
            /* The IDE controller as 00:01.0 (a kernel scans functions 1-7
             * only where function 0 is there) and the NE2000. Neither may
             * master the bus (dma none): ata_piix uses PIO. */
            .pci_count = 2,
            .pci = {{PIIX3_IDE, PCI_BDF(0, 1, 0)}, {NE2000, PCI_BDF(0, 2, 0)}},
            .pci_ecam = ECAM_WINDOW,
        },
    },
};
