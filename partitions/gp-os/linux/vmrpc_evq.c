// SPDX-License-Identifier: GPL-2.0
/* Event queues through /dev/vmrpc: EVQ_CREATE, EVQ_PUT, EVQ_GET, EVQ_INFO.
 *
 * HC_EVQ_GET can block in the hypervisor, which would freeze this CPU
 * (and a one-CPU Linux with it): we only ever poll it (timeout 0) and
 * sleep in Linux between tries.
 */
#define pr_fmt(fmt) "vmrpc: " fmt

#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vmrpc_kmod.h"

static int evq_check(struct file *f, u32 desc, u32 queue)
{
	if (queue >= VMRPC_MAX_QUEUES)
		return -EINVAL;
	return vmrpc_desc_owned_any(f, desc) ? 0 : -EBADF;
}

/* Polls until an event, the timeout or a signal. */
static int evq_get_loop(const struct vmrpc_ioc_evq *q, struct vmrpc_event *ev)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(q->timeout_ms);
	int r;

	for (;;) {
		r = vmrpc_hc(HC_EVQ_GET, q->desc, q->queue, virt_to_phys(ev), 0, 0);
		if (r != HV_EAGAIN || !q->timeout_ms)
			return r;
		if (time_after_eq(jiffies, deadline))
			return -ETIMEDOUT;
		if (msleep_interruptible(vmrpc_evq_poll_ms))
			return -EINTR;
	}
}

long vmrpc_ioctl_evq_get(struct file *f, void __user *arg)
{
	struct vmrpc_ioc_evq q;
	struct vmrpc_event *ev;
	int r;

	if (copy_from_user(&q, arg, sizeof(q)))
		return -EFAULT;
	if (q.timeout_ms > VMRPC_IOC_MAX_TIMEOUT_MS)
		return -EINVAL;
	r = evq_check(f, q.desc, q.queue);
	if (r)
		return r;
	ev = kzalloc(sizeof(*ev), GFP_KERNEL); /* written by the hypervisor */
	if (!ev)
		return -ENOMEM;
	r = evq_get_loop(&q, ev);
	if (r >= 0) {
		BUILD_BUG_ON(sizeof(q.ev) != sizeof(*ev));
		memcpy(&q.ev, ev, sizeof(q.ev));
		vmrpc_stat_add(ST_EVENTS_GOT, 1);
		r = copy_to_user(arg, &q, sizeof(q)) ? -EFAULT : 0;
	}
	kfree(ev);
	return r;
}

long vmrpc_ioctl_evq_put(struct file *f, void __user *arg)
{
	struct vmrpc_ioc_evq q;
	struct vmrpc_event *ev;
	int r;

	if (copy_from_user(&q, arg, sizeof(q)))
		return -EFAULT;
	r = evq_check(f, q.desc, q.queue);
	if (r)
		return r;
	ev = kmemdup(&q.ev, sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	r = vmrpc_hc(HC_EVQ_PUT, q.desc, q.queue, virt_to_phys(ev), 0, 0);
	if (r >= 0) {
		vmrpc_stat_add(ST_EVENTS_PUT, 1);
		q.ev.seq = ev->seq; /* filled at put */
		r = copy_to_user(arg, &q, sizeof(q)) ? -EFAULT : 0;
	}
	kfree(ev);
	return r;
}

long vmrpc_ioctl_evq_info(struct file *f, void __user *arg)
{
	struct vmrpc_ioc_evq_info q;
	struct vmrpc_evq_info *info;
	int r;

	if (copy_from_user(&q, arg, sizeof(q)))
		return -EFAULT;
	r = evq_check(f, q.desc, q.queue);
	if (r)
		return r;
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	r = vmrpc_hc(HC_EVQ_INFO, q.desc, q.queue, virt_to_phys(info), sizeof(*info), 0);
	if (r >= 0) {
		q.capacity = info->capacity;
		q.count = info->count;
		q.puts = info->puts;
		q.gets = info->gets;
		q.overflows = info->overflows;
		r = copy_to_user(arg, &q, sizeof(q)) ? -EFAULT : 0;
	}
	kfree(info);
	return r;
}

long vmrpc_ioctl_evq_create(struct file *f, void __user *arg)
{
	struct vmrpc_ioc_evq_create c;
	int r;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (!c.capacity || c.capacity > VMRPC_EVQ_MAX_CAPACITY)
		return -EINVAL;
	if (!vmrpc_desc_owned(f, c.desc, VD_SERVE))
		return -EBADF;
	r = vmrpc_hc(HC_EVQ_CREATE, c.desc, c.capacity, 0, 0, 0);
	if (r < 0)
		return r;
	c.queue = r;
	return copy_to_user(arg, &c, sizeof(c)) ? -EFAULT : 0;
}
