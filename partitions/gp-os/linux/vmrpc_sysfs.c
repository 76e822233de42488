// SPDX-License-Identifier: GPL-2.0
/* Statistics under /sys/class/misc/vmrpc/: one counter per file (calls,
 * call_errors, ...), `stats` with all of them as "name value" lines,
 * `mode` (interrupt|polling), `gsi`, `irq`, `partition_id`, and
 * `modules`: one line per descriptor this partition holds through us. */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/sysfs.h>

#include "vmrpc_kmod.h"

atomic64_t vmrpc_stats[ST_COUNT];

const char *const vmrpc_stat_names[ST_COUNT] = {
	[ST_CALLS] = "calls",
	[ST_CALL_ERRORS] = "call_errors",
	[ST_CALL_TIMEOUTS] = "call_timeouts",
	[ST_ASYNC_COMPLETIONS] = "async_completions",
	[ST_SPIN_COMPLETIONS] = "spin_completions",
	[ST_INTERRUPTS] = "interrupts",
	[ST_TIMER_POLLS] = "timer_polls",
	[ST_REQUESTS_SERVED] = "requests_served",
	[ST_REPLIES] = "replies",
	[ST_REPLY_ERRORS] = "reply_errors",
	[ST_BYTES_IN] = "bytes_in",
	[ST_BYTES_OUT] = "bytes_out",
	[ST_EVENTS_PUT] = "events_put",
	[ST_EVENTS_GOT] = "events_got",
};

struct vmrpc_stat_attr {
	struct device_attribute attr;
	enum vmrpc_stat stat;
};

static ssize_t stat_show(struct device *dev, struct device_attribute *a, char *buf)
{
	const struct vmrpc_stat_attr *s = container_of(a, struct vmrpc_stat_attr, attr);

	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(&vmrpc_stats[s->stat]));
}

#define STAT_ATTR(field, idx) \
	static struct vmrpc_stat_attr stat_##field = { __ATTR(field, 0444, stat_show, NULL), idx }
STAT_ATTR(calls, ST_CALLS);
STAT_ATTR(call_errors, ST_CALL_ERRORS);
STAT_ATTR(call_timeouts, ST_CALL_TIMEOUTS);
STAT_ATTR(async_completions, ST_ASYNC_COMPLETIONS);
STAT_ATTR(spin_completions, ST_SPIN_COMPLETIONS);
STAT_ATTR(interrupts, ST_INTERRUPTS);
STAT_ATTR(timer_polls, ST_TIMER_POLLS);
STAT_ATTR(requests_served, ST_REQUESTS_SERVED);
STAT_ATTR(replies, ST_REPLIES);
STAT_ATTR(reply_errors, ST_REPLY_ERRORS);
STAT_ATTR(bytes_in, ST_BYTES_IN);
STAT_ATTR(bytes_out, ST_BYTES_OUT);
STAT_ATTR(events_put, ST_EVENTS_PUT);
STAT_ATTR(events_got, ST_EVENTS_GOT);

static ssize_t stats_show(struct device *dev, struct device_attribute *a, char *buf)
{
	int i, n = 0;

	for (i = 0; i < ST_COUNT; i++)
		n += sysfs_emit_at(buf, n, "%s %lld\n", vmrpc_stat_names[i],
				   (long long)atomic64_read(&vmrpc_stats[i]));
	n += sysfs_emit_at(buf, n, "zombies %u\n", READ_ONCE(vmrpc_zombie_count));
	return n;
}
static DEVICE_ATTR_RO(stats);

static ssize_t mode_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", vmrpc_polling ? "polling" : "interrupt");
}
static DEVICE_ATTR_RO(mode);

static ssize_t gsi_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%u\n", vmrpc_gsi);
}
static DEVICE_ATTR_RO(gsi);

static ssize_t irq_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%d\n", vmrpc_irq);
}
static DEVICE_ATTR_RO(irq);

static ssize_t partition_id_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%u\n", vmrpc_partition_id);
}
static DEVICE_ATTR_RO(partition_id);

/* "<desc> serve <name> served=N last_client=ID" or "<desc> bind <name>". */
static ssize_t modules_show(struct device *dev, struct device_attribute *a, char *buf)
{
	int d, n = 0;

	mutex_lock(&vmrpc_desc_lock);
	for (d = 0; d < VMRPC_MAX_DESCS; d++) {
		const struct vmrpc_desc *e = &vmrpc_descs[d];

		if (e->kind == VD_SERVE && e->srv)
			n += sysfs_emit_at(buf, n, "%d serve %s served=%lld last_client=%u\n", d, e->name,
					   (long long)atomic64_read(&e->srv->served), READ_ONCE(e->srv->last_client));
		else if (e->kind == VD_BIND || e->kind == VD_ORPHAN)
			n += sysfs_emit_at(buf, n, "%d %s %s\n", d, e->kind == VD_BIND ? "bind" : "orphan", e->name);
	}
	mutex_unlock(&vmrpc_desc_lock);
	return n;
}
static DEVICE_ATTR_RO(modules);

static struct attribute *vmrpc_attrs[] = {
	&stat_calls.attr.attr, &stat_call_errors.attr.attr, &stat_call_timeouts.attr.attr,
	&stat_async_completions.attr.attr, &stat_spin_completions.attr.attr, &stat_interrupts.attr.attr,
	&stat_timer_polls.attr.attr, &stat_requests_served.attr.attr, &stat_replies.attr.attr,
	&stat_reply_errors.attr.attr, &stat_bytes_in.attr.attr, &stat_bytes_out.attr.attr,
	&stat_events_put.attr.attr, &stat_events_got.attr.attr,
	&dev_attr_stats.attr, &dev_attr_mode.attr, &dev_attr_gsi.attr, &dev_attr_irq.attr,
	&dev_attr_partition_id.attr, &dev_attr_modules.attr,
	NULL,
};

static const struct attribute_group vmrpc_attr_group = {
	.attrs = vmrpc_attrs,
};

const struct attribute_group *vmrpc_attr_groups[] = {
	&vmrpc_attr_group,
	NULL,
};
