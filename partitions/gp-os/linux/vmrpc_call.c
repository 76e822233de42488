// SPDX-License-Identifier: GPL-2.0
/* Client side of /dev/vmrpc: LIST, BIND, UNBIND and CALL.
 *
 * CALL uses HC_RPC_CALL_ASYNC rather than HC_RPC_CALL: the synchronous
 * call parks this (possibly only) CPU in the hypervisor for up to a
 * second, freezing Linux; the asynchronous one returns at once and the
 * completion comes back as the notification IRQ (or the polling timer).
 */
#define pr_fmt(fmt) "vmrpc: " fmt

#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vmrpc_kmod.h"

/* One call in flight. The hypervisor writes a.result, a.done and the
 * response buffer until done is set, so none of this may be freed
 * before then, whatever happens to the caller. */
struct vmrpc_kcall {
	struct vmrpc_async a;	/* first: kmalloc keeps it 8-byte aligned */
	struct list_head node;	/* on the zombie list once its caller left */
	void *req, *resp;
};

/* Calls whose caller gave up (timeout, signal): freed when done arrives. */
static LIST_HEAD(vmrpc_zombies);
static DEFINE_SPINLOCK(vmrpc_zombie_lock);
unsigned int vmrpc_zombie_count;

static bool kcall_done(const struct vmrpc_kcall *k)
{
	/* Pairs with the hypervisor writing result before done. */
	return smp_load_acquire(&k->a.done) != 0;
}

static void kcall_free(struct vmrpc_kcall *k)
{
	kfree(k->req);
	kfree(k->resp);
	kfree(k);
}

/* Buffers of at least 8 bytes: kmalloc(0) is not a real address, and
 * the hypervisor checks every buffer against our RAM. */
static struct vmrpc_kcall *kcall_alloc(const struct vmrpc_ioc_call *c)
{
	struct vmrpc_kcall *k = kzalloc(sizeof(*k), GFP_KERNEL);

	if (!k)
		return NULL;
	k->req = kmalloc(max_t(u32, c->req_len, 8), GFP_KERNEL);
	k->resp = kmalloc(max_t(u32, c->resp_cap, 8), GFP_KERNEL);
	if (!k->req || !k->resp) {
		kcall_free(k);
		return NULL;
	}
	k->a.req_gpa = virt_to_phys(k->req);
	k->a.resp_gpa = virt_to_phys(k->resp);
	k->a.desc = c->desc;
	k->a.proc = c->proc;
	k->a.req_len = c->req_len;
	k->a.resp_cap = c->resp_cap;
	return k;
}

/* Called from the IRQ handler, the timer and the ioctls. */
void vmrpc_reap_zombies(void)
{
	struct vmrpc_kcall *k, *n;
	unsigned long fl;

	spin_lock_irqsave(&vmrpc_zombie_lock, fl);
	list_for_each_entry_safe(k, n, &vmrpc_zombies, node) {
		if (!kcall_done(k))
			continue;
		list_del(&k->node);
		vmrpc_zombie_count--;
		vmrpc_stat_add(ST_ASYNC_COMPLETIONS, 1);
		kcall_free(k);
	}
	spin_unlock_irqrestore(&vmrpc_zombie_lock, fl);
}

bool vmrpc_zombies_for(u32 desc)
{
	struct vmrpc_kcall *k;
	unsigned long fl;
	bool any = false;

	vmrpc_reap_zombies();
	spin_lock_irqsave(&vmrpc_zombie_lock, fl);
	list_for_each_entry(k, &vmrpc_zombies, node)
		any |= k->a.desc == desc;
	spin_unlock_irqrestore(&vmrpc_zombie_lock, fl);
	return any;
}

/* Module unload: wait (bounded) for every zombie; true when none is left. */
bool vmrpc_drain_zombies(unsigned int ms)
{
	unsigned int waited;

	for (waited = 0; waited < ms; waited += 10) {
		vmrpc_reap_zombies();
		if (!READ_ONCE(vmrpc_zombie_count))
			return true;
		msleep(10);
	}
	vmrpc_reap_zombies();
	return !READ_ONCE(vmrpc_zombie_count);
}

/* The caller leaves before done: park the call on the zombie list,
 * unless it completed meanwhile. Returns false when it completed. */
static bool kcall_zombify(struct vmrpc_kcall *k)
{
	unsigned long fl;
	bool parked = false;

	spin_lock_irqsave(&vmrpc_zombie_lock, fl);
	if (!kcall_done(k)) {
		list_add_tail(&k->node, &vmrpc_zombies);
		vmrpc_zombie_count++;
		parked = true;
	}
	spin_unlock_irqrestore(&vmrpc_zombie_lock, fl);
	return parked;
}

/* Spin a little (a round trip to a polling RTOS takes microseconds),
 * then sleep until the notification. Returns the call's result, or
 * -ETIMEDOUT/-EINTR with the call parked as a zombie (*parked). */
static int kcall_wait(struct vmrpc_kcall *k, u32 timeout_ms, bool *parked)
{
	ktime_t spin_end = ktime_add_us(ktime_get(), vmrpc_spin_us);
	long left;

	*parked = false;
	while (!kcall_done(k) && ktime_before(ktime_get(), spin_end))
		cpu_relax();
	if (kcall_done(k)) {
		vmrpc_stat_add(ST_SPIN_COMPLETIONS, 1);
		goto done;
	}
	left = wait_event_interruptible_timeout(vmrpc_call_wq, kcall_done(k), msecs_to_jiffies(timeout_ms));
	if (kcall_done(k) || !kcall_zombify(k))
		goto done;
	*parked = true;
	return left == 0 ? -ETIMEDOUT : -EINTR;
done:
	vmrpc_stat_add(ST_ASYNC_COMPLETIONS, 1);
	return READ_ONCE(k->a.result);
}

static int call_check(struct file *f, const struct vmrpc_ioc_call *c)
{
	if (c->req_len > VMRPC_MAX_MSG || c->resp_cap > VMRPC_MAX_MSG || c->proc >= VMRPC_MAX_PROCS ||
	    c->timeout_ms > VMRPC_IOC_MAX_TIMEOUT_MS || c->reserved)
		return -EINVAL;
	if (!vmrpc_desc_owned(f, c->desc, VD_BIND))
		return -EBADF;
	return 0;
}

/* Submits, waits, copies the response out. */
static long call_run(struct vmrpc_kcall *k, const struct vmrpc_ioc_call *c)
{
	u32 timeout = c->timeout_ms ? c->timeout_ms : 2 * VMRPC_SYNC_TIMEOUT_MS;
	bool parked;
	int r;

	if (c->req_len && copy_from_user(k->req, u64_to_user_ptr(c->req), c->req_len)) {
		kcall_free(k);
		return -EFAULT;
	}
	vmrpc_stat_add(ST_CALLS, 1);
	r = vmrpc_hc(HC_RPC_CALL_ASYNC, virt_to_phys(&k->a), sizeof(k->a), 0, 0, 0);
	if (r >= 0)
		r = kcall_wait(k, timeout, &parked);
	else
		parked = false;
	if (parked) {
		vmrpc_stat_add(ST_CALL_TIMEOUTS, 1);
		vmrpc_stat_add(ST_CALL_ERRORS, 1);
		return r; /* k now belongs to the zombie list */
	}
	if (r < 0) {
		vmrpc_stat_add(ST_CALL_ERRORS, 1);
	} else {
		/* Never trust the length beyond the buffer we gave. */
		r = min_t(u32, r, c->resp_cap);
		vmrpc_stat_add(ST_BYTES_OUT, c->req_len);
		vmrpc_stat_add(ST_BYTES_IN, r);
		if (r && copy_to_user(u64_to_user_ptr(c->resp), k->resp, r))
			r = -EFAULT;
	}
	kcall_free(k);
	return r;
}

long vmrpc_ioctl_call(struct file *f, void __user *arg)
{
	struct vmrpc_ioc_call c;
	struct vmrpc_kcall *k;
	long r;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	r = call_check(f, &c);
	if (r)
		return r;
	vmrpc_reap_zombies();
	k = kcall_alloc(&c);
	if (!k)
		return -ENOMEM;
	return call_run(k, &c);
}

long vmrpc_ioctl_list(void __user *arg)
{
	struct vmrpc_ioc_list l;
	struct vmrpc_module_info *info;
	int r;

	if (copy_from_user(&l, arg, sizeof(l)))
		return -EFAULT;
	if (l.index >= 1024)
		return -ENOENT;
	info = kzalloc(sizeof(*info), GFP_KERNEL); /* the hypervisor writes it: not on the (vmapped) stack */
	if (!info)
		return -ENOMEM;
	r = vmrpc_hc(HC_RPC_LIST, l.index, virt_to_phys(info), sizeof(*info), 0, 0);
	if (r >= 0) {
		memcpy(l.name, info->name, sizeof(l.name));
		l.name[sizeof(l.name) - 1] = '\0';
		l.registered = info->registered;
		l.version = info->version;
		l.proc_count = info->proc_count;
		l.mode = info->mode;
		r = copy_to_user(arg, &l, sizeof(l)) ? -EFAULT : 0;
	}
	kfree(info);
	return r;
}

static int bind_claim(struct file *f, int desc, const char *name)
{
	struct vmrpc_desc *d;

	if (desc >= VMRPC_MAX_DESCS) { /* outside the ABI's range: give it back */
		vmrpc_hc(HC_RPC_UNBIND, desc, 0, 0, 0, 0);
		return -EIO;
	}
	mutex_lock(&vmrpc_desc_lock);
	d = &vmrpc_descs[desc];
	d->owner = f;
	d->kind = VD_BIND;
	d->srv = NULL;
	strscpy(d->name, name, sizeof(d->name));
	mutex_unlock(&vmrpc_desc_lock);
	return 0;
}

long vmrpc_ioctl_bind(struct file *f, void __user *arg)
{
	struct vmrpc_ioc_bind b;
	char *name;
	int r;

	if (copy_from_user(&b, arg, sizeof(b)))
		return -EFAULT;
	if (!b.name[0] || strnlen(b.name, sizeof(b.name)) == sizeof(b.name))
		return -EINVAL;
	name = kmemdup(b.name, sizeof(b.name), GFP_KERNEL); /* read by the hypervisor */
	if (!name)
		return -ENOMEM;
	r = vmrpc_hc(HC_RPC_BIND, virt_to_phys(name), b.version, 0, 0, 0);
	if (r >= 0) {
		b.desc = r; /* bind_claim returns 0, not the descriptor */
		r = bind_claim(f, r, name);
	}
	if (r >= 0) {
		if (copy_to_user(arg, &b, sizeof(b))) {
			vmrpc_release_bind(b.desc);
			r = -EFAULT;
		}
	}
	kfree(name);
	return r < 0 ? r : 0;
}

/* Unbinds desc (table entry already ours to drop). Calls the caller
 * abandoned still pend in the hypervisor (HV_EBUSY) until it times them
 * out: wait for those first, bounded. */
void vmrpc_release_bind(u32 desc)
{
	struct vmrpc_desc *d = &vmrpc_descs[desc];
	int r;

	wait_event_timeout(vmrpc_call_wq, !vmrpc_zombies_for(desc), msecs_to_jiffies(3 * VMRPC_SYNC_TIMEOUT_MS));
	r = vmrpc_hc(HC_RPC_UNBIND, desc, 0, 0, 0, 0);
	mutex_lock(&vmrpc_desc_lock);
	d->owner = NULL;
	d->kind = r < 0 ? VD_ORPHAN : VD_FREE;
	mutex_unlock(&vmrpc_desc_lock);
	if (r < 0)
		pr_warn("unbind %u (%s) failed: %d; descriptor leaked\n", desc, d->name, r);
}

long vmrpc_ioctl_unbind(struct file *f, void __user *arg)
{
	struct vmrpc_ioc_desc u;
	int r;

	if (copy_from_user(&u, arg, sizeof(u)))
		return -EFAULT;
	if (!vmrpc_desc_owned(f, u.desc, VD_BIND))
		return -EBADF;
	r = vmrpc_hc(HC_RPC_UNBIND, u.desc, 0, 0, 0, 0);
	if (r < 0)
		return r; /* e.g. -EBUSY: calls pending; stays bound */
	mutex_lock(&vmrpc_desc_lock);
	vmrpc_descs[u.desc].owner = NULL;
	vmrpc_descs[u.desc].kind = VD_FREE;
	mutex_unlock(&vmrpc_desc_lock);
	return 0;
}
