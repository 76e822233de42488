/* Partitions: built from the static config at boot, one vCPU per
 * physical CPU. The VT-x layer calls back into this file when a partition
 * must stop or asks the core something (hypercalls, ownership). */
#ifndef HV_PARTITION_H
#define HV_PARTITION_H

#include "arch/x86/paging.h"
#include "hv/config.h"
#include "hv/loader.h"
#include "hv/multiboot.h"
#include "hv/spinlock.h"
#include "include/hv_abi.h"

struct vcpu;

enum partition_state { PART_EMPTY, PART_READY, PART_RUNNING, PART_STOPPED };

struct partition {
    uint32_t id;
    const struct cfg_partition *cfg;
    char label[HV_NAME_MAX + 16]; /* "partition 'name'", for messages */
    volatile uint32_t state; /* enum partition_state */
    int exit_code;
    spinlock_t lock;
    struct page_table ept;
    uint64_t eptp;
    uint64_t msr_bitmap_pa, io_bitmap_pa;
    struct guest_ram ram;
    uint64_t ram_bytes;
    struct guest_entry entry;
    uint32_t cpu_count;
    uint32_t cpus[HV_MAX_PARTITION_CPUS];     /* physical CPU indices */
    uint32_t apic_ids[HV_MAX_PARTITION_CPUS];
    struct vcpu *vcpus[HV_MAX_PARTITION_CPUS];
    /* INIT/SIPI among its own CPUs, emulated (vmx/apic_ipi.c): */
    volatile bool waiting_for_sipi[HV_MAX_PARTITION_CPUS]; /* parked after INIT */
    volatile bool init_requested[HV_MAX_PARTITION_CPUS];   /* INIT sent while it ran */
    volatile uint32_t early_sipi[HV_MAX_PARTITION_CPUS];   /* 0x100 | vector, before its CPU entered */
    uint32_t ioapic_regsel;                   /* its view of IOREGSEL */
    uint8_t shutdown_match;                   /* progress through "Shutdown" on port 0x8900 */
    bool wbinvd_logged;                       /* its first WBINVD was logged (vmx/exit.c) */
    /* The vector it programmed (unmasked) into its rpc_gsi pin, 0 while
     * none (vmx/ioapic_emul.c). */
    volatile uint8_t rpc_gsi_vector;
    /* The APIC ID that entry targets (physical destination mode), or
     * RPC_DEST_NONE: the handler for the vector is on that CPU only. */
    volatile uint32_t rpc_gsi_dest;
};
#define RPC_DEST_NONE UINT32_MAX

/* The vector of its VMRPC doorbells and completions: the one it chose
 * for its rpc_gsi pin, else its configured rpc_vector (0: none). */
static inline uint8_t partition_rpc_vector(const struct partition *p)
{
    uint8_t v = p->rpc_gsi_vector;
    return v ? v : p->cfg->rpc_vector;
}

/* Where its VMRPC notifications go: the CPU its rpc_gsi entry targets,
 * else `fallback` (the calling or registering CPU). */
static inline uint32_t partition_rpc_apic(const struct partition *p, uint32_t fallback)
{
    uint32_t d = p->rpc_gsi_vector ? p->rpc_gsi_dest : RPC_DEST_NONE;
    return d != RPC_DEST_NONE ? d : fallback;
}

extern struct partition partition_table[CFG_MAX_PARTITIONS];
extern uint32_t partition_count;

/* Boot CPU, once every CPU is online: checks the config against the
 * machine, builds each partition (EPT, bitmaps, kernel loaded) and
 * releases the CPUs. A partition that cannot be built is reported and
 * left out; the others still start. */
void partitions_setup(const struct boot_info *bi, const char *exit_with);

/* Every CPU ends here: runs its partition's vCPU, or idles. */
NORETURN void partition_cpu_main(void);

/* Stops the partition of the vCPU on this CPU because of what it did
 * (logged with the reason), stops its other CPUs, and parks this CPU.
 * exit_code is what a power-off asked for, or -1 for a fault. */
NORETURN void partition_stop_current(int exit_code, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* True when the partition was asked to stop (by another of its CPUs);
 * the VT-x layer then parks this CPU. Inline: checked at every exit. */
static inline bool partition_stop_pending(const struct partition *p) { return p->state == PART_STOPPED; }
NORETURN void partition_park_cpu(struct vcpu *v);

bool partition_owns_apic_id(const struct partition *p, uint32_t apic_id);
/* Index of apic_id among the partition's CPUs, or -1. */
int partition_cpu_slot(const struct partition *p, uint32_t apic_id);
bool partition_owns_pin(const struct partition *p, uint32_t pin);
bool partition_owns_port(const struct partition *p, uint16_t port);
/* Who owns an I/O port or an APIC id: "partition 'name'", "the
 * hypervisor", or NULL when nobody does. */
const char *port_owner(uint16_t port);
const char *apic_id_owner(uint32_t apic_id);

/* The hypercall entry (hv/hypercall.c): returns the value for RAX. */
int64_t hypercall_dispatch(struct vcpu *v);

#endif
