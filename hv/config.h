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

/* Kinds of memory region a partition gets. */
enum cfg_mem_kind {
    CFG_MEM_RAM,  /* write-back RAM: guest address -> host address */
    CFG_MEM_MMIO, /* device registers, uncached; usually guest == host */
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

struct cfg_partition {
    const char *name;
    uint64_t cpus; /* bit i = CPU index i (MADT order; 0 = boot CPU) */
    uint32_t mem_count;
    struct cfg_mem mem[CFG_MAX_MEM];
    uint32_t io_count;
    struct cfg_io io[CFG_MAX_IO];
    uint32_t pin_count;
    uint8_t ioapic_pins[CFG_MAX_PINS]; /* IOAPIC inputs (GSIs) it may program */
    const char *image;   /* multiboot module name of its kernel */
    const char *cmdline; /* the kernel's own command line */
    /* HLT exits to the hypervisor (which then halts the CPU in the guest
     * on its behalf, or stops a partition that halts with interrupts off).
     * Leave it false for real-time partitions: their idle HLT then costs
     * no exit. */
    bool hlt_exits;
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
     * gets them as an ordinary IRQ. Guests read it from CPUID 0x40000001
     * EDX. */
    uint8_t rpc_gsi;
};

struct hv_config {
    const char *name;
    uint32_t cpu_count;                        /* CPUs the board has */
    uint32_t ram_count;
    struct cfg_range ram[CFG_MAX_BOARD_RAM];   /* board RAM */
    struct cfg_range hypervisor;               /* RAM the hypervisor keeps (image, heap, modules) */
    uint32_t partition_count;
    struct cfg_partition partitions[CFG_MAX_PARTITIONS];
};

extern const struct hv_config hv_config;

/* Checks a configuration: names unique and non-empty, each partition has
 * CPUs, RAM and an image; no CPU beyond cpu_count or owned twice; RAM
 * regions page aligned, inside board RAM, outside the hypervisor's RAM
 * and not overlapping any other partition's RAM (host side) nor, within
 * a partition, each other (guest side); MMIO not overlapping RAM or other
 * partitions' MMIO; no I/O port owned twice, past 0xFFFF or in the
 * hypervisor console's COM2 range 0x2F8-0x2FF; no IOAPIC pin owned twice
 * or beyond 23. For each problem calls report(msg) with a message that
 * names the offending entries, e.g. "partition 'gpos' RAM [0x4000000,
 * 0x8000000) overlaps partition 'rtos' RAM [0x6000000, 0x7000000)".
 * Returns the number of problems (0 = valid). Pure; host-tested. */
int config_check(const struct hv_config *cfg, void (*report)(const char *msg, void *ctx), void *ctx);

#endif
