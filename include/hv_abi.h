/* Hypercall ABI shared by the hypervisor and every guest (C, any mode).
 *
 * A guest calls the hypervisor with VMCALL:
 *   RAX = operation (HC_*), RBX, RCX, RDX, RSI = arguments 1-4
 *   RAX on return = result: >= 0 on success, a negative HV_E* on error.
 * 32-bit guests use EAX/EBX/ECX/EDX/ESI; the upper halves are ignored.
 * Addresses are guest-physical; a buffer must lie entirely inside the
 * caller's own RAM, else HV_EFAULT and nothing is read or written.
 * Other registers are preserved. */
#ifndef HV_ABI_H
#define HV_ABI_H

#include <stdint.h>

#define HV_ABI_VERSION 1

/* Operations. */
#define HC_NULL 0           /* does nothing; returns 0 (cost of a round trip) */
#define HC_CONSOLE_WRITE 1  /* (gpa, len): len <= HV_CONSOLE_MAX bytes to the hypervisor log, through the
                             * partition's 4 KiB log ring (a line that does not fit is dropped whole and
                             * reported as "[N bytes dropped]"); returns len */
#define HC_PARTITION_INFO 2 /* (gpa, size): fills struct hv_partition_info; returns its size */
#define HC_EXIT_STATS 3     /* (gpa, size): fills struct hv_exit_stats for the calling CPU; returns its size */
#define HC_CONSOLE_READ 4   /* (name_gpa, buf_gpa, len): manager partitions only (else HV_EPERM, logged).
                             * Copies the newest min(len, HV_CONSOLE_HISTORY) bytes that partition NAME
                             * sent through its emulated UART, oldest first, to buf (len bytes inside the
                             * caller's RAM; NAME NUL-terminated within the HV_NAME_MAX bytes at name_gpa,
                             * all inside its RAM); returns how many. Not consumed: each read gets the
                             * latest. HV_ENOENT (-2) when NAME has no emulated UART or no such partition */

/* Errors (negative). */
#define HV_EPERM (-1)    /* not allowed to this partition */
#define HV_EFAULT (-14)  /* buffer not inside the caller's RAM */
#define HV_EINVAL (-22)  /* malformed argument (size, alignment, value) */
#define HV_ENOSYS (-38)  /* unknown operation */

#define HV_CONSOLE_MAX 256
#define HV_CONSOLE_HISTORY 4096 /* bytes of an emulated UART's output kept for HC_CONSOLE_READ */
#define HV_NAME_MAX 32
#define HV_MAX_PARTITION_CPUS 16

/* Layouts are the same for 32- and 64-bit guests: 64-bit fields come
 * first (i386 aligns them to 4 only), sizes are multiples of 8. */
struct hv_partition_info {
    uint64_t ram_bytes;     /* total guest RAM */
    uint64_t tsc_hz;        /* calibrated by the hypervisor */
    uint32_t abi_version;
    uint32_t partition_id;
    char name[HV_NAME_MAX];
    uint32_t cpu_count;
    uint32_t calling_cpu;   /* index into apic_ids */
    uint32_t apic_ids[HV_MAX_PARTITION_CPUS];
};
_Static_assert(sizeof(struct hv_partition_info) == 128, "ABI: struct hv_partition_info size");

/* VM-exit counts by basic exit reason (Intel SDM Vol. 3C Appendix C). */
#define HV_EXIT_REASONS 80
struct hv_exit_stats {
    uint64_t total;
    uint64_t root_ticks; /* TSC ticks spent handling VMCALL exits, waits for other partitions excluded */
    uint64_t by_reason[HV_EXIT_REASONS];
};
_Static_assert(sizeof(struct hv_exit_stats) == 656, "ABI: struct hv_exit_stats size");

/* Health page: a partition may keep, at the guest-physical address its
 * config names (health_gpa), a page that starts with this structure; the
 * hypervisor reads it (never writes) and reports it when the partition
 * stops. Writers bump seq to odd before an update and to even after. */
#define HV_HEALTH_MAGIC "RTOSHLTH"
struct hv_health_page {
    char magic[8];
    uint32_t version;
    uint32_t seq;
    uint64_t tsc_hz;
    uint64_t heartbeat;       /* bumped periodically by a low-priority task */
    uint64_t heartbeat_tsc;   /* TSC at the last beat */
    uint64_t deadline_misses;
};

#endif
