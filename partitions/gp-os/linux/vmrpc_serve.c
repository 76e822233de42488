// SPDX-License-Identifier: GPL-2.0
/* Server side of /dev/vmrpc: REGISTER, SERVE, REPLY, UNREGISTER.
 *
 * Each registered module has a receive ring in kernel memory (physically
 * contiguous, page aligned) in doorbell mode: the hypervisor copies a
 * request into a free slot, sets it REQUEST and raises the notification
 * IRQ; SERVE claims the slot (REQUEST -> SERVING) and hands the request
 * to user space, REPLY copies the response into the slot and issues
 * HC_RPC_REPLY, which copies it to the caller and frees the slot.
 * The notification IRQ wakes only the SERVE waiters of a module whose
 * ring holds a request (vmrpc_serve_notify).
 */
#define pr_fmt(fmt) "vmrpc: " fmt

#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vmrpc_kmod.h"

#define SLOT_HDR sizeof(struct vmrpc_slot)
#define DEFAULT_SLOTS 4
#define DEFAULT_SLOT_SIZE (SLOT_HDR + 4096)

/* Registered servers, for the notification IRQ: a server leaves the list
 * before its table entry's reference is dropped, so a ring on the list
 * is never freed under the IRQ. */
static LIST_HEAD(vmrpc_servers);
static DEFINE_SPINLOCK(vmrpc_servers_lock);

static struct vmrpc_slot *ring_slot(struct vmrpc_server *s, u32 i)
{
	return (struct vmrpc_slot *)((u8 *)s->ring + (size_t)i * s->slot_size);
}

static u32 slot_room(const struct vmrpc_server *s)
{
	return s->slot_size - SLOT_HDR;
}

static void server_free(struct kref *ref)
{
	struct vmrpc_server *s = container_of(ref, struct vmrpc_server, ref);

	/* A ring the hypervisor may still write is never given back. */
	if (s->ring && !s->leak_ring)
		free_pages_exact(s->ring, s->ring_bytes);
	kfree(s);
}

/* A reference to the server behind desc, if f owns it. */
static struct vmrpc_server *server_get(struct file *f, u32 desc)
{
	struct vmrpc_server *s = NULL;

	mutex_lock(&vmrpc_desc_lock);
	if (desc < VMRPC_MAX_DESCS && vmrpc_descs[desc].owner == f && vmrpc_descs[desc].kind == VD_SERVE) {
		s = vmrpc_descs[desc].srv;
		kref_get(&s->ref);
	}
	mutex_unlock(&vmrpc_desc_lock);
	return s;
}

static void server_put(struct vmrpc_server *s)
{
	kref_put(&s->ref, server_free);
}

static int register_check(struct vmrpc_ioc_register *r)
{
	if (!r->name[0] || strnlen(r->name, sizeof(r->name)) == sizeof(r->name) || r->reserved)
		return -EINVAL;
	if (!r->slot_count)
		r->slot_count = DEFAULT_SLOTS;
	if (!r->slot_size)
		r->slot_size = DEFAULT_SLOT_SIZE;
	if (r->proc_count < 1 || r->proc_count > VMRPC_MAX_PROCS || r->slot_count > VMRPC_MAX_SLOTS)
		return -EINVAL;
	if (r->slot_size % 64 || r->slot_size < 128 || r->slot_size > SLOT_HDR + VMRPC_MAX_MSG)
		return -EINVAL;
	return 0;
}

static struct vmrpc_server *server_alloc(const struct vmrpc_ioc_register *r)
{
	struct vmrpc_server *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	kref_init(&s->ref);
	mutex_init(&s->reply_lock);
	init_waitqueue_head(&s->wq);
	INIT_LIST_HEAD(&s->node);
	strscpy(s->name, r->name, sizeof(s->name));
	s->version = r->version;
	s->proc_count = r->proc_count;
	s->slot_count = r->slot_count;
	s->slot_size = r->slot_size;
	s->ring_bytes = (size_t)r->slot_count * r->slot_size;
	/* Contiguous and page aligned (the ABI wants 64). */
	s->ring = alloc_pages_exact(s->ring_bytes, GFP_KERNEL | __GFP_ZERO);
	if (!s->ring) {
		kfree(s);
		return NULL;
	}
	return s;
}

/* HC_RPC_REGISTER with a kmalloc'd argument (the hypervisor reads it). */
static int server_register(struct vmrpc_server *s)
{
	struct vmrpc_register *reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	int r;

	if (!reg)
		return -ENOMEM;
	reg->ring_gpa = virt_to_phys(s->ring);
	strscpy(reg->name, s->name, sizeof(reg->name));
	reg->version = s->version;
	reg->proc_count = s->proc_count;
	reg->slot_count = s->slot_count;
	reg->slot_size = s->slot_size;
	/* Without our IRQ the doorbell would be a vector nobody handles. */
	reg->mode = vmrpc_polling ? VMRPC_RECV_POLL : VMRPC_RECV_DOORBELL;
	r = vmrpc_hc(HC_RPC_REGISTER, virt_to_phys(reg), sizeof(*reg), 0, 0, 0);
	kfree(reg);
	return r;
}

long vmrpc_ioctl_register(struct file *f, void __user *arg)
{
	struct vmrpc_ioc_register r;
	struct vmrpc_server *s;
	int d;

	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	d = register_check(&r);
	if (d)
		return d;
	s = server_alloc(&r);
	if (!s)
		return -ENOMEM;
	d = server_register(s);
	if (d >= VMRPC_MAX_DESCS) {
		vmrpc_hc(HC_RPC_UNREGISTER, d, 0, 0, 0, 0);
		d = -EIO;
	}
	if (d < 0) {
		server_put(s);
		return d;
	}
	s->desc = d;
	mutex_lock(&vmrpc_desc_lock);
	vmrpc_descs[d] = (struct vmrpc_desc){ .owner = f, .kind = VD_SERVE, .srv = s };
	strscpy(vmrpc_descs[d].name, s->name, sizeof(vmrpc_descs[d].name));
	spin_lock_irq(&vmrpc_servers_lock);
	list_add_tail(&s->node, &vmrpc_servers);
	spin_unlock_irq(&vmrpc_servers_lock);
	mutex_unlock(&vmrpc_desc_lock);
	r.desc = d;
	if (copy_to_user(arg, &r, sizeof(r))) {
		vmrpc_release_server(f, d);
		return -EFAULT;
	}
	return 0;
}

/* Claims the oldest slot in state REQUEST (cmpxchg: several threads may
 * serve one module). Returns the slot or -1. */
static int claim_request(struct vmrpc_server *s)
{
	int best = -1;
	u32 i, best_seq = 0;

	for (i = 0; i < s->slot_count; i++) {
		struct vmrpc_slot *sl = ring_slot(s, i);

		if (smp_load_acquire(&sl->state) != VMRPC_SLOT_REQUEST)
			continue;
		if (best < 0 || (s32)(sl->seq - best_seq) < 0) {
			best = i;
			best_seq = sl->seq;
		}
	}
	if (best >= 0 && cmpxchg(&ring_slot(s, best)->state, VMRPC_SLOT_REQUEST, VMRPC_SLOT_SERVING) !=
			 VMRPC_SLOT_REQUEST)
		return -1; /* somebody else took it: the caller retries */
	return best;
}

static bool serve_ready(struct vmrpc_server *s, int *slot)
{
	if (READ_ONCE(s->dead))
		return true;
	*slot = claim_request(s);
	return *slot >= 0;
}

/* Waits for a request: 0 with *slot, or -ETIMEDOUT/-EINTR/-EPIPE. */
static int serve_wait(struct vmrpc_server *s, u32 timeout_ms, int *slot)
{
	long left;

	*slot = -1;
	if (serve_ready(s, slot))
		return *slot >= 0 ? 0 : -EPIPE;
	if (!timeout_ms)
		return -ETIMEDOUT;
	left = wait_event_interruptible_timeout(s->wq, serve_ready(s, slot), msecs_to_jiffies(timeout_ms));
	if (*slot >= 0)
		return 0;
	if (READ_ONCE(s->dead))
		return -EPIPE;
	return left < 0 ? -EINTR : -ETIMEDOUT;
}

/* Fills the answer from the slot header (read once each) and copies the
 * request out, never more than the slot holds. */
static int serve_deliver(struct vmrpc_server *s, int slot, struct vmrpc_ioc_serve *v)
{
	struct vmrpc_slot *sl = ring_slot(s, slot);
	u32 req_len = READ_ONCE(sl->req_len), resp_cap = READ_ONCE(sl->resp_cap);
	u32 n;

	req_len = min(req_len, slot_room(s));
	v->slot = slot;
	v->proc = READ_ONCE(sl->proc);
	v->client_id = READ_ONCE(sl->client_id);
	v->req_len = req_len;
	v->resp_cap = min(resp_cap, slot_room(s));
	v->flags = READ_ONCE(sl->flags);
	n = min(req_len, v->cap);
	if (n && copy_to_user(u64_to_user_ptr(v->buf), sl->data, n))
		return -EFAULT;
	atomic64_inc(&s->served);
	WRITE_ONCE(s->last_client, v->client_id);
	vmrpc_stat_add(ST_REQUESTS_SERVED, 1);
	vmrpc_stat_add(ST_BYTES_IN, req_len);
	return 0;
}

/* Answers a claimed slot with an error (used when the request could not
 * be handed to user space). */
static void slot_fail(struct vmrpc_server *s, int slot, int err)
{
	mutex_lock(&s->reply_lock);
	if (vmrpc_hc(HC_RPC_REPLY, s->desc, slot, (u32)err, 0, 0) < 0)
		vmrpc_stat_add(ST_REPLY_ERRORS, 1);
	mutex_unlock(&s->reply_lock);
}

long vmrpc_ioctl_serve(struct file *f, void __user *arg)
{
	struct vmrpc_ioc_serve v;
	struct vmrpc_server *s;
	int slot, r;

	if (copy_from_user(&v, arg, sizeof(v)))
		return -EFAULT;
	if (v.cap > VMRPC_MAX_MSG || v.timeout_ms > VMRPC_IOC_MAX_TIMEOUT_MS)
		return -EINVAL;
	s = server_get(f, v.desc);
	if (!s)
		return -EBADF;
	r = serve_wait(s, v.timeout_ms, &slot);
	if (!r)
		r = serve_deliver(s, slot, &v);
	if (!r && copy_to_user(arg, &v, sizeof(v)))
		r = -EFAULT;
	if (r == -EFAULT && slot >= 0)
		slot_fail(s, slot, HV_EFAULT);
	server_put(s);
	return r;
}

static int reply_check(const struct vmrpc_ioc_reply *p, const struct vmrpc_server *s)
{
	if (p->slot >= s->slot_count || p->status < -4095)
		return -EINVAL;
	if (p->status >= 0 && p->resp_len > slot_room(s))
		return -EMSGSIZE;
	return 0;
}

/* Under reply_lock: the slot must be one SERVE handed out. */
static int reply_locked(struct vmrpc_server *s, const struct vmrpc_ioc_reply *p)
{
	struct vmrpc_slot *sl = ring_slot(s, p->slot);
	u32 len = p->status >= 0 ? p->resp_len : 0;
	int r;

	if (READ_ONCE(sl->state) != VMRPC_SLOT_SERVING)
		return -EINVAL;
	if (len && copy_from_user(sl->data, u64_to_user_ptr(p->resp), len))
		return -EFAULT;
	r = vmrpc_hc(HC_RPC_REPLY, s->desc, p->slot, (u32)p->status, len, 0);
	vmrpc_stat_add(ST_REPLIES, 1);
	if (r < 0) {
		vmrpc_stat_add(ST_REPLY_ERRORS, 1);
		return r;
	}
	vmrpc_stat_add(ST_BYTES_OUT, len);
	return 0;
}

long vmrpc_ioctl_reply(struct file *f, void __user *arg)
{
	struct vmrpc_ioc_reply p;
	struct vmrpc_server *s;
	int r;

	if (copy_from_user(&p, arg, sizeof(p)))
		return -EFAULT;
	s = server_get(f, p.desc);
	if (!s)
		return -EBADF;
	r = reply_check(&p, s);
	if (!r) {
		mutex_lock(&s->reply_lock);
		r = reply_locked(s, &p);
		mutex_unlock(&s->reply_lock);
	}
	server_put(s);
	return r;
}

/* Drops desc's table entry and unregisters: pending calls get HV_EPIPE
 * from the hypervisor, SERVE waiters -EPIPE from us. The ring goes when
 * the last SERVE/REPLY in progress lets go of it. */
void vmrpc_release_server(struct file *f, u32 desc)
{
	struct vmrpc_server *s = NULL;
	int r;

	mutex_lock(&vmrpc_desc_lock);
	if (vmrpc_descs[desc].owner != f || vmrpc_descs[desc].kind != VD_SERVE) {
		mutex_unlock(&vmrpc_desc_lock);
		return; /* another thread of f got there first */
	}
	s = vmrpc_descs[desc].srv;
	vmrpc_descs[desc].owner = NULL;
	vmrpc_descs[desc].srv = NULL;
	vmrpc_descs[desc].kind = VD_FREE;
	mutex_unlock(&vmrpc_desc_lock);
	if (!s)
		return;
	spin_lock_irq(&vmrpc_servers_lock);
	list_del_init(&s->node);
	spin_unlock_irq(&vmrpc_servers_lock);
	r = vmrpc_hc(HC_RPC_UNREGISTER, desc, 0, 0, 0, 0);
	if (r < 0) {
		pr_warn("unregister %u (%s) failed: %d; ring leaked\n", desc, s->name, r);
		s->leak_ring = true;
	}
	WRITE_ONCE(s->dead, true);
	wake_up_all(&s->wq);
	server_put(s);
}

static bool ring_has_request(struct vmrpc_server *s)
{
	u32 i;

	for (i = 0; i < s->slot_count; i++)
		if (smp_load_acquire(&ring_slot(s, i)->state) == VMRPC_SLOT_REQUEST)
			return true;
	return false;
}

/* The notification IRQ (and the polling timer): wakes the SERVE waiters
 * of each module with a request in its ring, and no others. Completions
 * share the vector; waking every server on each of them cost the idle
 * servers' wake-ups (context switches, IPIs to the other CPU) on the
 * caller's CPU. True when it woke somebody. */
bool vmrpc_serve_notify(void)
{
	struct vmrpc_server *s;
	unsigned long fl;
	bool woke = false;

	spin_lock_irqsave(&vmrpc_servers_lock, fl);
	list_for_each_entry(s, &vmrpc_servers, node) {
		if (wq_has_sleeper(&s->wq) && ring_has_request(s)) {
			wake_up_all(&s->wq);
			woke = true;
		}
	}
	spin_unlock_irqrestore(&vmrpc_servers_lock, fl);
	return woke;
}

long vmrpc_ioctl_unregister(struct file *f, void __user *arg)
{
	struct vmrpc_ioc_desc u;

	if (copy_from_user(&u, arg, sizeof(u)))
		return -EFAULT;
	if (!vmrpc_desc_owned(f, u.desc, VD_SERVE))
		return -EBADF;
	vmrpc_release_server(f, u.desc);
	return 0;
}
