/* vmrpc.ko internals shared by its source files. */
#ifndef VMRPC_KMOD_H
#define VMRPC_KMOD_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "include/vmrpc_abi.h"
#include "vmrpc_ioctl.h"

/* One VMCALL (include/hv_abi.h): RAX = op, arguments in RBX, RCX, RDX,
 * RSI, RDI; RAX = result, >= 0 or a negative HV_E* (= -errno). Results
 * are small, so the low 32 bits carry them whatever the upper half is. */
static inline int vmrpc_hc(unsigned long op, unsigned long a1, unsigned long a2, unsigned long a3,
			   unsigned long a4, unsigned long a5)
{
	unsigned long ret;

	asm volatile("vmcall"
		     : "=a"(ret)
		     : "a"(op), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
		     : "memory");
	return (int)ret;
}

/* Counters shown in sysfs (vmrpc_sysfs.c names them). */
enum vmrpc_stat {
	ST_CALLS,		/* CALL ioctls that reached the hypervisor */
	ST_CALL_ERRORS,		/* ... and ended with an error (timeouts included) */
	ST_CALL_TIMEOUTS,	/* ... gave up waiting (timeout or signal) */
	ST_ASYNC_COMPLETIONS,	/* completions seen (done = 1), zombies included */
	ST_SPIN_COMPLETIONS,	/* ... of which seen while still spinning */
	ST_INTERRUPTS,		/* notification IRQs taken */
	ST_TIMER_POLLS,		/* polling-timer ticks that woke somebody */
	ST_REQUESTS_SERVED,	/* requests handed to SERVE */
	ST_REPLIES,		/* HC_RPC_REPLY issued */
	ST_REPLY_ERRORS,	/* ... refused by the hypervisor */
	ST_BYTES_IN,		/* responses received + requests served */
	ST_BYTES_OUT,		/* requests sent + responses replied */
	ST_EVENTS_PUT,
	ST_EVENTS_GOT,
	ST_COUNT
};
extern atomic64_t vmrpc_stats[ST_COUNT];
extern const char *const vmrpc_stat_names[ST_COUNT];

static inline void vmrpc_stat_add(enum vmrpc_stat s, long v)
{
	atomic64_add(v, &vmrpc_stats[s]);
}

/* Driver-wide state (vmrpc_main.c). */
/* Callers past their spin window and zombie drains: woken by a
 * notification only when somebody sleeps there (vmrpc_main.c). */
extern wait_queue_head_t vmrpc_call_wq;
extern unsigned int vmrpc_spin_us;
extern unsigned int vmrpc_evq_poll_ms;
extern u32 vmrpc_partition_id, vmrpc_gsi, vmrpc_rpc_vector;
extern int vmrpc_irq; /* -1: none */
extern bool vmrpc_polling;
extern unsigned int vmrpc_zombie_count;

/* Descriptor table: the hypervisor's descriptors are per partition, so
 * one table keyed by number says which open file owns each. */
enum vmrpc_desc_kind { VD_FREE, VD_BIND, VD_SERVE, VD_ORPHAN };

struct vmrpc_server {
	struct kref ref;	/* table entry + each SERVE/REPLY in progress */
	char name[VMRPC_NAME_MAX];
	u32 desc, version, proc_count, slot_count, slot_size;
	void *ring;
	size_t ring_bytes;
	bool dead;		/* unregistered: SERVE returns -EPIPE */
	bool leak_ring;		/* the hypervisor may still write it */
	struct mutex reply_lock;
	atomic64_t served;
	u32 last_client;
	wait_queue_head_t wq;	/* its SERVE waiters: woken when its ring holds a request */
	struct list_head node;	/* on the notification list while registered */
};

struct vmrpc_desc {
	struct file *owner;
	enum vmrpc_desc_kind kind;
	struct vmrpc_server *srv;
	char name[VMRPC_BIND_NAME_MAX];
};
extern struct vmrpc_desc vmrpc_descs[VMRPC_MAX_DESCS];
extern struct mutex vmrpc_desc_lock;

bool vmrpc_desc_owned(struct file *f, u32 desc, enum vmrpc_desc_kind kind);
bool vmrpc_desc_owned_any(struct file *f, u32 desc);

/* vmrpc_call.c */
long vmrpc_ioctl_list(void __user *arg);
long vmrpc_ioctl_bind(struct file *f, void __user *arg);
long vmrpc_ioctl_unbind(struct file *f, void __user *arg);
long vmrpc_ioctl_call(struct file *f, void __user *arg);
void vmrpc_reap_zombies(void);
bool vmrpc_zombies_for(u32 desc);
void vmrpc_release_bind(u32 desc);
bool vmrpc_drain_zombies(unsigned int ms);

/* vmrpc_serve.c */
long vmrpc_ioctl_register(struct file *f, void __user *arg);
long vmrpc_ioctl_serve(struct file *f, void __user *arg);
long vmrpc_ioctl_reply(struct file *f, void __user *arg);
long vmrpc_ioctl_unregister(struct file *f, void __user *arg);
void vmrpc_release_server(struct file *f, u32 desc);
bool vmrpc_serve_notify(void);

/* vmrpc_evq.c */
long vmrpc_ioctl_evq_get(struct file *f, void __user *arg);
long vmrpc_ioctl_evq_put(struct file *f, void __user *arg);
long vmrpc_ioctl_evq_info(struct file *f, void __user *arg);
long vmrpc_ioctl_evq_create(struct file *f, void __user *arg);

/* vmrpc_sysfs.c */
extern const struct attribute_group *vmrpc_attr_groups[];

#endif
