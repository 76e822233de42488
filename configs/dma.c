/* One partition trusted with DMA on a 1-CPU, 512 MiB machine: 'dma' owns
 * the PIIX3 IDE controller with Bus Master Enable allowed, so its
 * bus-master engine (BAR4) writes guest memory by physical address. There
 * is no IOMMU (Bochs has no VT-d): a device the partition programs reaches
 * ALL memory, and the addresses it is given are the guest's own, so every
 * RAM region is identity mapped (guest == host, hv/config_check.c).
 *
 * Layout (host == guest):
 *   [0, 4 KiB)          the firmware's IVT and BIOS data area: nobody's
 *   [4 KiB, 636 KiB)    'dma': the loader's multiboot info at 0x1000-0x8fff
 *                       (hv/loader.c) needs guest RAM there. The AP
 *                       trampoline pages (0x8000, 0x9000: arch/x86/asm.h)
 *                       lie here too: they serve only while the APs start,
 *                       and are then remapped as plain data
 *                       (mm_retire_trampoline) before any partition's RAM
 *                       is wiped and loaded.
 *   [636 KiB, 1 MiB)    the EBDA and the legacy hole: nobody's
 *   [1 MiB, 2 MiB)      'dma': its kernel (linked at 1 MiB)
 *   [2 MiB, 64 MiB)     the hypervisor: image (linked at 2 MiB), page
 *                       allocator pool, boot modules (moved to its top)
 *   [64 MiB, 128 MiB)   'dma': the rest of its RAM
 * GRUB's multiboot info and memory map are copied at boot (hv/multiboot.c)
 * and the allocator serves only the hypervisor range, so after boot the
 * hypervisor keeps nothing below 2 MiB. Used by the scenario that checks
 * a real bus-master transfer (tests/integration/16_dma_trusted.sh). */
#include "hv/config.h"

#define COM1 0x3F8
#define PIIX3_IDE PCI_BDF(0, 1, 1) /* tools/bochs-run.sh */
#define IDE1_CMD 0x1F0             /* primary channel, legacy mode: the boot CD-ROM */
#define IDE1_CTL 0x3F6

const struct hv_config hv_config = {
    .name = "dma",
    .cpu_count = 1,
    .ram_count = 2,
    .ram = {{0, 0x9F000}, {MiB(1), MiB(511)}},
    .hypervisor = {MiB(2), MiB(62)},
    .partition_count = 1,
    .partitions = {
        {
            .name = "dma",
            .cpus = 1u << 0,
            .mem_count = 3,
            .mem = {
                {CFG_MEM_RAM, 0x1000, 0x1000, 0x9F000 - 0x1000},
                {CFG_MEM_RAM, MiB(1), MiB(1), MiB(1)},
                {CFG_MEM_RAM, MiB(64), MiB(64), MiB(64)},
            },
            .io_count = 3,
            .io = {{COM1, 8},
                   {IDE1_CMD, 8}, {IDE1_CTL, 1}}, /* polled: IRQ 14 stays nobody's (masked) */
            .image = "dma.elf",
            .cmdline = "console=com1",
            .lapic_mode = CFG_LAPIC_XAPIC,
            /* The IDE controller as 00:01.0 (function 0, so that kernels
             * scan it), its BAR4 bus-master registers visible and Bus
             * Master Enable passed through. */
            .pci_count = 1,
            .pci = {{PIIX3_IDE, PCI_BDF(0, 1, 0)}},
            .dma = CFG_DMA_TRUSTED,
        },
    },
};
