/* /dev/vmrpc ioctl ABI, shared by the kernel module (vmrpc.ko) and the
 * user tool (vmrpc). Kernel and user space use the same layouts: fixed
 * width fields, 64-bit ones first or padded, sizes multiples of 8, user
 * pointers as __u64. See README.md for the semantics of each call.
 *
 * Descriptors are the hypervisor's own numbers (include/vmrpc_abi.h) but
 * belong to the open file that made them: another file using them gets
 * -EBADF, and closing the file unbinds and unregisters them. */
#ifndef VMRPC_IOCTL_H
#define VMRPC_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VMRPC_DEV_PATH "/dev/vmrpc"
#define VMRPC_SYSFS_DIR "/sys/class/misc/vmrpc"

#define VMRPC_IOC_NAME_MAX 64   /* "partition/module", NUL included (VMRPC_BIND_NAME_MAX) */
#define VMRPC_IOC_MOD_MAX 24    /* module name, NUL included (VMRPC_NAME_MAX) */
#define VMRPC_IOC_MAX_MSG 16384 /* request/response bytes (VMRPC_MAX_MSG) */
#define VMRPC_IOC_MAX_TIMEOUT_MS 60000

/* LIST: entry `index` of the partition's rpc_bind list (HC_RPC_LIST). */
struct vmrpc_ioc_list {
	__u32 index;                    /* in */
	__u32 reserved;
	char name[VMRPC_IOC_NAME_MAX];  /* out: "partition/module" */
	__u32 registered;               /* out: 1 when its server has it registered now */
	__u32 version;                  /* out: major << 16 | minor */
	__u32 proc_count;
	__u32 mode;                     /* out: enum vmrpc_recv_mode */
};

/* BIND: name "partition/module", version asked for -> desc. */
struct vmrpc_ioc_bind {
	char name[VMRPC_IOC_NAME_MAX];  /* in, NUL-terminated */
	__u32 version;                  /* in */
	__s32 desc;                     /* out */
};

/* UNBIND, UNREGISTER. */
struct vmrpc_ioc_desc {
	__u32 desc;
	__u32 reserved;
};

/* CALL: the ioctl returns the response length (>= 0) or -errno. */
struct vmrpc_ioc_call {
	__u64 req;          /* user pointer */
	__u64 resp;         /* user pointer */
	__u32 desc;
	__u32 proc;
	__u32 req_len;      /* <= VMRPC_IOC_MAX_MSG */
	__u32 resp_cap;     /* <= VMRPC_IOC_MAX_MSG */
	__u32 timeout_ms;   /* 0: the default (2 x VMRPC_SYNC_TIMEOUT_MS) */
	__u32 reserved;
};

/* REGISTER: a module this partition serves (its config's rpc_serve),
 * ring in doorbell mode -> desc. */
struct vmrpc_ioc_register {
	char name[VMRPC_IOC_MOD_MAX];   /* in, NUL-terminated */
	__u32 version;
	__u32 proc_count;               /* 1..256 */
	__u32 slot_count;               /* 0: default (4); at most 16 */
	__u32 slot_size;                /* bytes per slot, header included; 0: default (64 + 4096) */
	__s32 desc;                     /* out */
	__u32 reserved;
};

/* SERVE: waits for a request on module desc, marks its slot SERVING and
 * copies min(req_len, cap) bytes of it to buf. Returns 0; -ETIMEDOUT,
 * -EINTR, -EPIPE (unregistered meanwhile). */
struct vmrpc_ioc_serve {
	__u64 buf;          /* in: user pointer */
	__u32 desc;         /* in */
	__u32 cap;          /* in: bytes at buf */
	__u32 timeout_ms;   /* in: 0 = do not wait */
	__u32 slot;         /* out: answer with REPLY(slot) */
	__u32 proc;         /* out */
	__u32 client_id;    /* out: the caller's partition id */
	__u32 req_len;      /* out: the request's full length */
	__u32 resp_cap;     /* out: at most this many response bytes (caller's buffer, slot room) */
	__u32 flags;        /* out: VMRPC_SLOT_ASYNC */
	__u32 reserved;
};

/* REPLY: status >= 0: resp_len bytes of resp are the response; status < 0:
 * an error for the caller (-errno, Linux numbering), resp ignored. */
struct vmrpc_ioc_reply {
	__u64 resp;
	__u32 desc;
	__u32 slot;
	__s32 status;
	__u32 resp_len;
};

struct vmrpc_ioc_event {       /* = struct vmrpc_event */
	__u64 data[2];
	__u32 code;
	__u32 sender;
	__u32 lost;
	__u32 seq;
};

/* EVQ_GET (timeout_ms: 0 = poll; -EAGAIN when empty, -ETIMEDOUT after
 * waiting), EVQ_PUT (-EBUSY when full). */
struct vmrpc_ioc_evq {
	__u32 desc;
	__u32 queue;
	__u32 timeout_ms;
	__u32 reserved;
	struct vmrpc_ioc_event ev;
};

/* EVQ_CREATE (desc of a module this file serves, capacity -> queue). */
struct vmrpc_ioc_evq_create {
	__u32 desc;
	__u32 capacity;
	__s32 queue;        /* out */
	__u32 reserved;
};

struct vmrpc_ioc_evq_info {
	__u32 desc;
	__u32 queue;
	__u32 capacity;     /* out: struct vmrpc_evq_info */
	__u32 count;
	__u32 puts;
	__u32 gets;
	__u32 overflows;
	__u32 reserved;
};

/* INFO: who we are (HC_PARTITION_INFO, CPUID 0x40000001) and the
 * hypervisor's VM-exit count for the CPU running the ioctl. */
struct vmrpc_ioc_info {
	__u64 ram_bytes;
	__u64 tsc_hz;
	__u64 exits;        /* hv_exit_stats.total of this CPU */
	__u64 root_ticks;   /* hv_exit_stats.root_ticks of this CPU */
	__u32 abi_version;
	__u32 partition_id;
	__u32 cpu_count;
	__u32 gsi;          /* VMRPC notification GSI, 0 = none */
	__s32 irq;          /* Linux IRQ, -1 = polling */
	__u32 rpc_vector;
	char name[32];
};

/* CONSOLE: what partition `name` sent through its emulated UART
 * (HC_CONSOLE_READ; manager partitions only, else -EPERM): the newest
 * min(cap, VMRPC_IOC_CONSOLE_MAX) bytes, oldest first, to buf. The ioctl
 * returns how many (>= 0) or -errno (-ENOENT: no such partition or no
 * emulated UART). */
#define VMRPC_IOC_CONSOLE_MAX 4096 /* HV_CONSOLE_HISTORY */
struct vmrpc_ioc_console {
	__u64 buf;          /* in: user pointer */
	__u32 cap;          /* in: bytes at buf */
	__u32 reserved;
	char name[32];      /* in: partition name, NUL-terminated (HV_NAME_MAX) */
};

#define VMRPC_IOC_MAGIC 0xB7
#define VMRPC_IOC_LIST        _IOWR(VMRPC_IOC_MAGIC, 0x00, struct vmrpc_ioc_list)
#define VMRPC_IOC_BIND        _IOWR(VMRPC_IOC_MAGIC, 0x01, struct vmrpc_ioc_bind)
#define VMRPC_IOC_UNBIND      _IOW(VMRPC_IOC_MAGIC, 0x02, struct vmrpc_ioc_desc)
#define VMRPC_IOC_CALL        _IOW(VMRPC_IOC_MAGIC, 0x03, struct vmrpc_ioc_call)
#define VMRPC_IOC_REGISTER    _IOWR(VMRPC_IOC_MAGIC, 0x04, struct vmrpc_ioc_register)
#define VMRPC_IOC_SERVE       _IOWR(VMRPC_IOC_MAGIC, 0x05, struct vmrpc_ioc_serve)
#define VMRPC_IOC_REPLY       _IOW(VMRPC_IOC_MAGIC, 0x06, struct vmrpc_ioc_reply)
#define VMRPC_IOC_UNREGISTER  _IOW(VMRPC_IOC_MAGIC, 0x07, struct vmrpc_ioc_desc)
#define VMRPC_IOC_EVQ_GET     _IOWR(VMRPC_IOC_MAGIC, 0x08, struct vmrpc_ioc_evq)
#define VMRPC_IOC_EVQ_PUT     _IOWR(VMRPC_IOC_MAGIC, 0x09, struct vmrpc_ioc_evq)
#define VMRPC_IOC_EVQ_INFO    _IOWR(VMRPC_IOC_MAGIC, 0x0A, struct vmrpc_ioc_evq_info)
#define VMRPC_IOC_EVQ_CREATE  _IOWR(VMRPC_IOC_MAGIC, 0x0B, struct vmrpc_ioc_evq_create)
#define VMRPC_IOC_INFO        _IOR(VMRPC_IOC_MAGIC, 0x0C, struct vmrpc_ioc_info)
#define VMRPC_IOC_CONSOLE     _IOW(VMRPC_IOC_MAGIC, 0x0D, struct vmrpc_ioc_console)

#endif
