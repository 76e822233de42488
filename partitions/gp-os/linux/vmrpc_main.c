// SPDX-License-Identifier: GPL-2.0
/* vmrpc.ko: VMRPC (docs/VMRPC.md) for Linux in a partition of the
 * microhypervisor. Module set-up, the notification interrupt (or the
 * polling timer that stands in for it), the descriptor table and the
 * /dev/vmrpc file operations. Calls: vmrpc_call.c; serving:
 * vmrpc_serve.c; event queues: vmrpc_evq.c; statistics: vmrpc_sysfs.c.
 */
#define pr_fmt(fmt) "vmrpc: " fmt

#include <linux/acpi.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <asm/processor.h>

#include "vmrpc_kmod.h"

static bool poll;
module_param(poll, bool, 0444);
MODULE_PARM_DESC(poll, "Ignore the notification GSI: poll rings and completions from a timer every jiffy");

unsigned int vmrpc_spin_us = 20;
module_param_named(spin_us, vmrpc_spin_us, uint, 0644);
MODULE_PARM_DESC(spin_us, "Microseconds a CALL spins for its completion before sleeping");

unsigned int vmrpc_evq_poll_ms = 5;
module_param_named(evq_poll_ms, vmrpc_evq_poll_ms, uint, 0644);
MODULE_PARM_DESC(evq_poll_ms, "Milliseconds EVQ_GET sleeps between polls of an empty queue");

#define HV_LEAF_BASE 0x40000000u
#define HV_LEAF_INFO 0x40000001u

DECLARE_WAIT_QUEUE_HEAD(vmrpc_call_wq);
u32 vmrpc_partition_id, vmrpc_gsi, vmrpc_rpc_vector;
int vmrpc_irq = -1;
bool vmrpc_polling;
static bool vmrpc_gsi_registered;
static struct timer_list vmrpc_timer;
static bool vmrpc_stopping;

struct vmrpc_desc vmrpc_descs[VMRPC_MAX_DESCS];
DEFINE_MUTEX(vmrpc_desc_lock);

bool vmrpc_desc_owned(struct file *f, u32 desc, enum vmrpc_desc_kind kind)
{
	bool ok;

	if (desc >= VMRPC_MAX_DESCS)
		return false;
	mutex_lock(&vmrpc_desc_lock);
	ok = vmrpc_descs[desc].owner == f && vmrpc_descs[desc].kind == kind;
	mutex_unlock(&vmrpc_desc_lock);
	return ok;
}

bool vmrpc_desc_owned_any(struct file *f, u32 desc)
{
	return vmrpc_desc_owned(f, desc, VD_BIND) || vmrpc_desc_owned(f, desc, VD_SERVE);
}

/* VMCALL outside the hypervisor is #UD: check its CPUID signature
 * ("MHVpartition") before anything else. */
static int vmrpc_detect(void)
{
	u32 a, b, c, d;

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return -ENODEV;
	cpuid(HV_LEAF_BASE, &a, &b, &c, &d);
	if (a < HV_LEAF_INFO || b != 0x7056484D || c != 0x69747261 || d != 0x6E6F6974)
		return -ENODEV;
	cpuid(HV_LEAF_INFO, &a, &b, &c, &d);
	vmrpc_partition_id = b;
	vmrpc_rpc_vector = c;
	vmrpc_gsi = d;
	pr_info("microhypervisor ABI %u, partition %u, rpc_vector %#x, notification GSI %u\n", a, b, c, d);
	return 0;
}

/* A notification (one vector for doorbells and completions) means "look
 * again", but only to those with something to look at: the callers
 * asleep on their calls, and the servers whose rings hold a request.
 * True when it woke somebody. */
static bool vmrpc_notify(void)
{
	bool woke = vmrpc_serve_notify();

	if (wq_has_sleeper(&vmrpc_call_wq)) {
		wake_up_all(&vmrpc_call_wq);
		woke = true;
	}
	return woke;
}

static irqreturn_t vmrpc_interrupt(int irq, void *dev)
{
	vmrpc_stat_add(ST_INTERRUPTS, 1);
	vmrpc_reap_zombies();
	vmrpc_notify();
	return IRQ_HANDLED;
}

/* Polling stands in for the interrupt; with the interrupt it is a slow
 * safety net (a lost edge costs 100 ms, never a hang). */
static void vmrpc_tick(struct timer_list *t)
{
	vmrpc_reap_zombies();
	if (vmrpc_notify())
		vmrpc_stat_add(ST_TIMER_POLLS, 1);
	if (!READ_ONCE(vmrpc_stopping))
		mod_timer(&vmrpc_timer, jiffies + (vmrpc_polling ? 1 : HZ / 10));
}

/* The GSI, when the hypervisor gives one: an ordinary edge-triggered
 * IOAPIC line; programming it is what tells the hypervisor to use it. */
static void vmrpc_irq_setup(void)
{
	int irq, r;

	if (!vmrpc_gsi) {
		pr_info("no notification GSI: polling\n");
		return;
	}
	irq = acpi_register_gsi(NULL, vmrpc_gsi, ACPI_EDGE_SENSITIVE, ACPI_ACTIVE_HIGH);
	if (irq < 0) {
		pr_warn("acpi_register_gsi(%u) failed (%d): polling\n", vmrpc_gsi, irq);
		return;
	}
	vmrpc_gsi_registered = true;
	r = request_irq(irq, vmrpc_interrupt, 0, "vmrpc", &vmrpc_call_wq);
	if (r) {
		pr_warn("request_irq(%d) failed (%d): polling\n", irq, r);
		return;
	}
	vmrpc_irq = irq;
	pr_info("notifications on GSI %u = IRQ %d%s\n", vmrpc_gsi, irq, poll ? " (but poll=1: polling)" : "");
}

static void vmrpc_irq_teardown(void)
{
	if (vmrpc_irq >= 0)
		free_irq(vmrpc_irq, &vmrpc_call_wq);
	if (vmrpc_gsi_registered)
		acpi_unregister_gsi(vmrpc_gsi);
	vmrpc_irq = -1;
}

static int vmrpc_open(struct inode *inode, struct file *f)
{
	return 0;
}

/* Close: unregister what f serves, unbind what it bound. */
static int vmrpc_release(struct inode *inode, struct file *f)
{
	u32 d;

	for (d = 0; d < VMRPC_MAX_DESCS; d++) {
		enum vmrpc_desc_kind kind;

		mutex_lock(&vmrpc_desc_lock);
		kind = vmrpc_descs[d].owner == f ? vmrpc_descs[d].kind : VD_FREE;
		mutex_unlock(&vmrpc_desc_lock);
		if (kind == VD_SERVE)
			vmrpc_release_server(f, d);
		else if (kind == VD_BIND)
			vmrpc_release_bind(d);
	}
	return 0;
}

static long vmrpc_info(void __user *arg);
static long vmrpc_console(void __user *arg);

static long vmrpc_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	void __user *p = (void __user *)arg;

	switch (cmd) {
	case VMRPC_IOC_LIST: return vmrpc_ioctl_list(p);
	case VMRPC_IOC_BIND: return vmrpc_ioctl_bind(f, p);
	case VMRPC_IOC_UNBIND: return vmrpc_ioctl_unbind(f, p);
	case VMRPC_IOC_CALL: return vmrpc_ioctl_call(f, p);
	case VMRPC_IOC_REGISTER: return vmrpc_ioctl_register(f, p);
	case VMRPC_IOC_SERVE: return vmrpc_ioctl_serve(f, p);
	case VMRPC_IOC_REPLY: return vmrpc_ioctl_reply(f, p);
	case VMRPC_IOC_UNREGISTER: return vmrpc_ioctl_unregister(f, p);
	case VMRPC_IOC_EVQ_GET: return vmrpc_ioctl_evq_get(f, p);
	case VMRPC_IOC_EVQ_PUT: return vmrpc_ioctl_evq_put(f, p);
	case VMRPC_IOC_EVQ_INFO: return vmrpc_ioctl_evq_info(f, p);
	case VMRPC_IOC_EVQ_CREATE: return vmrpc_ioctl_evq_create(f, p);
	case VMRPC_IOC_INFO: return vmrpc_info(p);
	case VMRPC_IOC_CONSOLE: return vmrpc_console(p);
	default: return -ENOTTY;
	}
}

/* Partition info and this CPU's exit counts, through buffers the
 * hypervisor writes (kmalloc'd: physically contiguous, not the stack). */
static long vmrpc_info(void __user *arg)
{
	struct vmrpc_ioc_info o = { .gsi = vmrpc_gsi, .irq = vmrpc_polling ? -1 : vmrpc_irq,
				    .rpc_vector = vmrpc_rpc_vector, .partition_id = vmrpc_partition_id };
	struct hv_partition_info *pi = kzalloc(sizeof(*pi), GFP_KERNEL);
	struct hv_exit_stats *es = kzalloc(sizeof(*es), GFP_KERNEL);
	long r = -ENOMEM;

	if (pi && es) {
		r = vmrpc_hc(HC_PARTITION_INFO, virt_to_phys(pi), sizeof(*pi), 0, 0, 0);
		if (r >= 0 && vmrpc_hc(HC_EXIT_STATS, virt_to_phys(es), sizeof(*es), 0, 0, 0) >= 0) {
			o.exits = es->total;
			o.root_ticks = es->root_ticks;
		}
	}
	if (r >= 0) {
		o.ram_bytes = pi->ram_bytes;
		o.tsc_hz = pi->tsc_hz;
		o.abi_version = pi->abi_version;
		o.cpu_count = pi->cpu_count;
		memcpy(o.name, pi->name, min(sizeof(o.name), sizeof(pi->name)));
		o.name[sizeof(o.name) - 1] = '\0';
		r = copy_to_user(arg, &o, sizeof(o)) ? -EFAULT : 0;
	}
	kfree(pi);
	kfree(es);
	return r;
}

/* Another partition's emulated-UART output (HC_CONSOLE_READ), through
 * kmalloc'd buffers the hypervisor reads and writes by physical address.
 * HV_E* values are -errno already. */
static long vmrpc_console(void __user *arg)
{
	struct vmrpc_ioc_console c;
	char *name, *buf;
	long r = -ENOMEM;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.cap == 0 || strnlen(c.name, sizeof(c.name)) == sizeof(c.name))
		return -EINVAL;
	c.cap = min_t(u32, c.cap, VMRPC_IOC_CONSOLE_MAX);
	name = kzalloc(HV_NAME_MAX, GFP_KERNEL);
	buf = kmalloc(c.cap, GFP_KERNEL);
	if (name && buf) {
		memcpy(name, c.name, sizeof(c.name));
		r = vmrpc_hc(HC_CONSOLE_READ, virt_to_phys(name), virt_to_phys(buf), c.cap, 0, 0);
		if (r > 0 && copy_to_user(u64_to_user_ptr(c.buf), buf, r))
			r = -EFAULT;
	}
	kfree(name);
	kfree(buf);
	return r;
}

/* .owner pins the module while /dev/vmrpc is open: rmmod says "in use". */
static const struct file_operations vmrpc_fops = {
	.owner = THIS_MODULE,
	.open = vmrpc_open,
	.release = vmrpc_release,
	.unlocked_ioctl = vmrpc_ioctl,
	.compat_ioctl = compat_ptr_ioctl, /* same layouts for 32-bit callers */
	.llseek = noop_llseek,
};

static struct miscdevice vmrpc_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmrpc",
	.fops = &vmrpc_fops,
	.mode = 0600,
	.groups = vmrpc_attr_groups,
};

static int __init vmrpc_init(void)
{
	int r = vmrpc_detect();

	if (r) {
		pr_err("not running under the microhypervisor (CPUID 0x40000000)\n");
		return r;
	}
	vmrpc_irq_setup();
	vmrpc_polling = poll || vmrpc_irq < 0;
	timer_setup(&vmrpc_timer, vmrpc_tick, 0);
	mod_timer(&vmrpc_timer, jiffies + 1);
	r = misc_register(&vmrpc_misc);
	if (r) {
		WRITE_ONCE(vmrpc_stopping, true);
		del_timer_sync(&vmrpc_timer);
		vmrpc_irq_teardown();
		return r;
	}
	pr_info("/dev/vmrpc ready (%s)\n", vmrpc_polling ? "polling" : "interrupt");
	return 0;
}

/* No file is open (the fops owner saw to that), so no descriptor is
 * left; only calls abandoned by their callers may still be in flight in
 * the hypervisor. Wait for those (it times them out), never free what it
 * may still write. */
static void __exit vmrpc_exit(void)
{
	u32 d;

	misc_deregister(&vmrpc_misc);
	if (!vmrpc_drain_zombies(3 * VMRPC_SYNC_TIMEOUT_MS))
		pr_warn("%u abandoned calls never completed: their buffers are leaked\n", vmrpc_zombie_count);
	for (d = 0; d < VMRPC_MAX_DESCS; d++)
		if (vmrpc_descs[d].kind == VD_ORPHAN && vmrpc_hc(HC_RPC_UNBIND, d, 0, 0, 0, 0) < 0)
			pr_warn("descriptor %u still bound\n", d);
	WRITE_ONCE(vmrpc_stopping, true);
	del_timer_sync(&vmrpc_timer);
	vmrpc_irq_teardown();
}

module_init(vmrpc_init);
module_exit(vmrpc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VMRPC: calls and events between microhypervisor partitions");
