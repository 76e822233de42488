/* The static scenario: which partitions exist, their CPUs, memory, ports,
 * interrupt pins, images and VMRPC rights. One C file per scenario in
 * configs/ defines `const struct hv_config hv_config`; it is compiled into
 * the image and checked at build time (tools/config-check) and at boot. */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

#include "hv/types.h"

#define CFG_MAX_PARTITIONS 8
#define CFG_MAX_MEM 8
#define CFG_MAX_IO 16
#define CFG_MAX_PINS 24
#define CFG_MAX_RPC 8
#define CFG_MAX_BOARD_RAM 8
#define CFG_MAX_PCI 4

/* A PCI function's address, bus:device.function, as one number (the
 * layout of CONFIG_ADDRESS bits 23:8). */
#define PCI_BDF(bus, dev, fn) ((uint16_t)(((bus) << 8) | ((dev) << 3) | (fn)))
/* A BDF as printf arguments for "%02x:%02x.%x". */
#define PCI_BDF_ARGS(bdf) (bdf) >> 8, ((bdf) >> 3) & 0x1F, (bdf) & 7

/* Kinds of memory region a partition gets. */
enum cfg_mem_kind {
    CFG_MEM_RAM,  /* write-back RAM: guest address -> host address */
    CFG_MEM_MMIO, /* device registers passed through raw, uncached; usually
                   * guest == host. Never a device that can send an MSI, do
                   * DMA or drive an interrupt line it does not own. */
    CFG_MEM_HPET, /* the HPET register page (4 KiB, guest == host), mediated:
                   * mapped read-only, each write checked against the
                   * partition's hpet_timers and ioapic_pins (vmx/hpet_emul.c) */
};

struct cfg_mem {
    enum cfg_mem_kind kind;
    uint64_t guest; /* guest-physical base */
    uint64_t host;  /* host-physical base */
    uint64_t size;
};

struct cfg_io {
    uint16_t base;
    uint16_t count;
};

struct cfg_range {
    uint64_t base;
    uint64_t size;
};

/* A PCI function of the machine given to a partition (hv/pci_cfg.h). Its
 * BARs are found at boot and become the partition's (I/O ports in its
 * I/O bitmap, memory BARs mapped uncached at guest == host); its INTx
 * line (the Interrupt Line the firmware routed it to) must be one of the
 * partition's ioapic_pins and nobody else's. */
struct cfg_pci {
    uint16_t host;  /* PCI_BDF on the machine */
    uint16_t guest; /* PCI_BDF where the partition sees it; 00:00.0 is its
                     * emulated host bridge, and a kernel scans functions
                     * 1-7 of a device only when function 0 is there */
};

/* Whether a partition's PCI functions may master the bus (DMA). */
enum cfg_dma {
    CFG_DMA_NONE = 0, /* Bus Master Enable refused; DMA-engine BARs hidden */
    CFG_DMA_TRUSTED,  /* allowed: without an IOMMU its devices reach ALL
                       * memory, the hypervisor's and other partitions'
                       * included; its RAM must be identity mapped
                       * (guest == host) for their addresses to work */
};

enum cfg_lapic_mode {
    CFG_LAPIC_X2APIC = 0,
    CFG_LAPIC_XAPIC,
};

struct cfg_partition {
    const char *name;
    uint64_t cpus; /* bit i = CPU index i (MADT order; 0 = boot CPU) */
    uint32_t mem_count;
    struct cfg_mem mem[CFG_MAX_MEM];
    uint32_t io_count;
    struct cfg_io io[CFG_MAX_IO];
    uint32_t pin_count;
    uint8_t ioapic_pins[CFG_MAX_PINS]; /* IOAPIC inputs (GSIs) it may program */
    /* HPET comparators it owns (bit n = timer n), with a CFG_MEM_HPET
     * region; a comparator has one owner. Writes that act on every
     * comparator (GEN_CONF ENABLE, the main counter) are allowed only to
     * a partition that is the HPET's sole user. */
    uint32_t hpet_timers;
    const char *image;   /* multiboot module name of its kernel */
    const char *cmdline; /* the kernel's own command line */
    /* HLT exits to the hypervisor (which then halts the CPU in the guest
     * on its behalf, or stops a partition that halts with interrupts off).
     * Leave it false for real-time partitions: their idle HLT then costs
     * no exit. */
    bool hlt_exits;
    /* The mode its local APICs are in when its CPUs start (vmx/apic_mode.c):
     * x2APIC (the default: what the in-tree RTOS expects), or xAPIC with
     * the registers at 0xFEE00000, as a CPU leaves reset and as an
     * unmodified kernel expects to find it. Either way the guest may move
     * between modes through IA32_APIC_BASE as on hardware. */
    enum cfg_lapic_mode lapic_mode;
    /* Guest-physical address of its health page (include/hv_abi.h), 0 if
     * none: the hypervisor reports its heartbeat when the partition stops. */
    uint64_t health_gpa;
    const char *rpc_serve[CFG_MAX_RPC]; /* VMRPC modules it may register (NULL-terminated) */
    const char *rpc_bind[CFG_MAX_RPC];  /* "partition/module" it may bind */
    /* Interrupt vector (0x20-0xFF) of its VMRPC doorbell and async
     * completions, sent as a fixed IPI to its passed-through LAPIC; 0 =
     * none (then only reply-and-wait and synchronous calls). */
    uint8_t rpc_vector;
    /* IOAPIC pin (one of its ioapic_pins, wired to no device) that stands
     * for its VMRPC notifications, 0 = none. Once the partition programs
     * that pin's redirection entry (unmasked, edge), doorbells and
     * completions use the vector it chose there instead of rpc_vector:
     * an OS that allocates vectors itself (Linux: acpi_register_gsi)
     * gets them as an ordinary IRQ, sent to the CPU that entry names
     * (physical destination, one of its own; its vector is that CPU's,
     * on another CPU the same number is some other IRQ). Guests read it
     * from CPUID 0x40000001 EDX. */
    uint8_t rpc_gsi;
    uint32_t pci_count;
    struct cfg_pci pci[CFG_MAX_PCI]; /* PCI functions it owns */
    enum cfg_dma dma;
    /* Guest-physical base of its PCI Express ECAM window for bus 0 (1 MiB:
     * 32 devices x 8 functions x 4 KiB, PCI Express Base 7.2.2), 0 = none.
     * Emulated (hv/pci_cfg.h), whatever the board has: never mapped, each
     * access exits and gets the mediation of mechanism #1. 1 MiB aligned,
     * clear of its RAM, MMIO and the APIC/HPET pages (hv/config_check.c). */
    uint64_t pci_ecam;
    /* I/O base of an emulated 16550 UART (hv/uart_model.h), 0 = none: a
     * console for a partition that must not own the board's UART. Its
     * eight ports answer from a model (no interrupt line); what it sends
     * goes to the hypervisor log as "[hv] NAME: ..." lines and to a
     * history the manager reads (HC_CONSOLE_READ). No partition may own
     * those ports (hv/config_check_uart.c). */
    uint16_t emul_uart_port;
    /* The manager partition: may read the others' emulated consoles
     * (HC_CONSOLE_READ). */
    bool manager;
};

struct hv_config {
    const char *name;
    uint32_t cpu_count;                        /* CPUs the board has */
    /* SMT threads per core (0 or 1: none), with the threads of a core
     * consecutive in CPU index order: CPUs i and j are siblings when
     * i / threads_per_core == j / threads_per_core. Two partitions on
     * siblings are refused (they would share L1/L2 and the branch
     * predictors); the boot check asks the CPU itself (CPUID 0BH). */
    uint32_t threads_per_core;
    uint32_t ram_count;
    struct cfg_range ram[CFG_MAX_BOARD_RAM];   /* board RAM */
    struct cfg_range hypervisor;               /* RAM the hypervisor keeps (image, heap, modules) */
    uint32_t partition_count;
    struct cfg_partition partitions[CFG_MAX_PARTITIONS];
};

extern const struct hv_config hv_config;

/* Checks a configuration: names unique and non-empty, each partition has
 * CPUs, RAM and an image; no CPU beyond cpu_count or owned twice, no
 * two partitions on SMT siblings of one core (threads_per_core); RAM
 * regions page aligned, inside board RAM, outside the hypervisor's RAM
 * and not overlapping any other partition's RAM (host side) nor, within
 * a partition, each other (guest side); MMIO not overlapping RAM or other
 * partitions' MMIO; no I/O port owned twice, past 0xFFFF or in the
 * hypervisor console's COM2 range 0x2F8-0x2FF; no IOAPIC pin owned twice
 * or beyond 23; no raw MMIO (CFG_MEM_MMIO) over the HPET, the IOAPIC or
 * the LAPIC/MSI window, no port of PCI configuration (0xCF8-0xCFF, with
 * the reset register 0xCF9), fast A20/reset (0x92), the keyboard
 * controller (0x64) or the RTC/NMI mask (0x70-0x71); an HPET region is
 * the HPET page, and comes with comparators (hpet_timers) owned by no
 * other partition, and the other way round. For each problem calls report(msg) with a message that
 * names the offending entries, e.g. "partition 'gpos' RAM [0x4000000,
 * 0x8000000) overlaps partition 'rtos' RAM [0x6000000, 0x7000000)".
 * Returns the number of problems (0 = valid). Pure; host-tested. */
int config_check(const struct hv_config *cfg, void (*report)(const char *msg, void *ctx), void *ctx);

/* A range of the machine found at boot that no raw MMIO region may
 * overlap: the PCIe ECAM (ACPI MCFG), DMA-remapping units (ACPI DMAR),
 * firmware-reserved memory, the APICs and the HPET where ACPI puts them. */
struct cfg_forbidden {
    uint64_t base;
    uint64_t size;
    const char *what; /* e.g. "the PCIe ECAM window (MCFG)" */
};

/* Whether a raw MMIO region (CFG_MEM_MMIO) of p overlaps one of the n
 * ranges; if so msg says which, e.g. "MMIO [0xe0000000, 0xe0001000)
 * overlaps the PCIe ECAM window (MCFG) [0xe0000000, 0xf0000000)". Pure;
 * host-tested. */
bool config_mmio_conflict(const struct cfg_partition *p, const struct cfg_forbidden *f, uint32_t n, char *msg,
                          size_t len);

#endif
