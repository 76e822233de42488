/* vmrpc: the user tool for /dev/vmrpc (vmrpc.ko). See README.md.
 *
 *   vmrpc list | info | stats
 *   vmrpc call PARTITION MODULE [PROC] [ARG]
 *   vmrpc bench PARTITION echo [-n N]
 *   vmrpc events get|put|info PARTITION/MODULE QUEUE [...]
 *   vmrpc serve [-d] [-p PIDFILE] MODULE...      (cli_serve.c)
 *   vmrpc udp-listen PORT [-c COUNT] [-t SECONDS]
 *   vmrpc selftest                                (cli_selftest.c)
 *
 * Exit status: 0 on success, 1 on failure, 2 on a usage error. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char *const mode_names[] = {"wait", "doorbell", "poll"};

const char *err_name(int err)
{
	switch (err) {
	case ENOENT: return "no such module (not registered yet?)";
	case EPERM: return "not permitted by the hypervisor's configuration (rpc_bind)";
	case EPROTO: return "version mismatch";
	case EBADF: return "bad descriptor";
	case EBUSY: return "the server's queue is full";
	case EPIPE: return "the server unregistered or stopped";
	case ETIMEDOUT: return "timed out";
	case EMSGSIZE: return "message too large for the other side's buffer";
	case EFAULT: return "bad address";
	case ENOTTY: return "not the vmrpc driver";
	default: return strerror(err);
	}
}

void die_errno(const char *what, int err)
{
	fprintf(stderr, "vmrpc: %s: %s\n", what, err_name(err));
	exit(1);
}

int dev_open(void)
{
	int fd = open(VMRPC_DEV_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			fprintf(stderr, "vmrpc: " VMRPC_DEV_PATH " missing: load vmrpc.ko\n");
		else
			fprintf(stderr, "vmrpc: " VMRPC_DEV_PATH ": %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

static const char *ver_str(uint32_t v, char *buf)
{
	sprintf(buf, "%u.%u", v >> 16, v & 0xFFFF);
	return buf;
}

/* Entry `name` of our rpc_bind list; 0 or -1. */
static int find_entry(int fd, const char *name, struct vmrpc_ioc_list *out)
{
	uint32_t i;

	for (i = 0; i < 64; i++) {
		memset(out, 0, sizeof(*out));
		out->index = i;
		if (ioctl(fd, VMRPC_IOC_LIST, out) < 0)
			return -1;
		if (!strcmp(out->name, name))
			return 0;
	}
	return -1;
}

static int cmd_list(void)
{
	int fd = dev_open();
	struct vmrpc_ioc_list l;
	uint32_t i;
	char v[16];

	for (i = 0;; i++) {
		memset(&l, 0, sizeof(l));
		l.index = i;
		if (ioctl(fd, VMRPC_IOC_LIST, &l) < 0) {
			if (errno == ENOENT)
				break;
			die_errno("list", errno);
		}
		if (l.registered)
			printf("%-24s registered  v%s procs=%u mode=%s\n", l.name, ver_str(l.version, v), l.proc_count,
			       l.mode < 3 ? mode_names[l.mode] : "?");
		else
			printf("%-24s not registered\n", l.name);
	}
	if (!i)
		printf("(no rpc_bind entries for this partition)\n");
	return 0;
}

static uint32_t default_version(const char *module)
{
	if (!strcmp(module, VMRPC_SYSINFO))
		return VMRPC_SYSINFO_VERSION;
	if (!strcmp(module, VMRPC_ECHO))
		return VMRPC_ECHO_VERSION;
	if (!strcmp(module, VMRPC_NET))
		return VMRPC_NET_VERSION;
	return 0;
}

/* Binds "part/module"; exits with a clear message on failure. For a
 * module we do not know, asks for the version it is registered with. */
static int bind_or_die(int fd, const char *name, const char *module)
{
	struct vmrpc_ioc_bind b;
	struct vmrpc_ioc_list l;
	char v1[16], v2[16];
	int have = find_entry(fd, name, &l) == 0;

	memset(&b, 0, sizeof(b));
	if (strlen(name) >= sizeof(b.name)) {
		fprintf(stderr, "vmrpc: %s: name too long\n", name);
		exit(2);
	}
	strcpy(b.name, name);
	b.version = default_version(module);
	if (!b.version)
		b.version = have && l.registered ? l.version : VMRPC_VERSION(1, 0);
	if (ioctl(fd, VMRPC_IOC_BIND, &b) == 0)
		return b.desc;
	if (errno == EPROTO && have && l.registered)
		fprintf(stderr, "vmrpc: %s: version mismatch: asked v%s, server has v%s\n", name,
			ver_str(b.version, v1), ver_str(l.version, v2));
	else if (errno == EPERM && !have)
		fprintf(stderr, "vmrpc: %s: not permitted by the hypervisor's configuration (rpc_bind)\n", name);
	else
		fprintf(stderr, "vmrpc: %s: %s\n", name, err_name(errno));
	exit(1);
}

static int do_call(int fd, int desc, uint32_t proc, const void *req, uint32_t len, void *resp, uint32_t cap)
{
	struct vmrpc_ioc_call c = {.req = (uintptr_t)req, .resp = (uintptr_t)resp, .desc = (uint32_t)desc,
				   .proc = proc, .req_len = len, .resp_cap = cap};
	int r = ioctl(fd, VMRPC_IOC_CALL, &c);

	return r < 0 ? -errno : r;
}

static void print_sysinfo(const char *who, const struct vmrpc_sysinfo *s, double tsc_mhz)
{
	printf("%s sysinfo:\n", who);
	printf("  os_name          %.32s\n", s->os_name);
	printf("  uptime           %.3f s\n", s->uptime_us / 1e6);
	printf("  memory           total %llu KiB, used %llu KiB, free %llu KiB\n",
	       (unsigned long long)s->mem_total_bytes / 1024, (unsigned long long)s->mem_used_bytes / 1024,
	       (unsigned long long)s->mem_free_bytes / 1024);
	printf("  cpu load         %u.%u %%\n", s->cpu_load_permille / 10, s->cpu_load_permille % 10);
	printf("  tasks            %u\n", s->task_count);
	if (s->has_latency) {
		printf("  latency samples  %u\n", s->latency_samples);
		printf("  latency ticks    min %llu avg %llu max %llu", (unsigned long long)s->latency_min_ticks,
		       (unsigned long long)s->latency_avg_ticks, (unsigned long long)s->latency_max_ticks);
		if (tsc_mhz > 0)
			printf("  (us: min %.2f avg %.2f max %.2f)", s->latency_min_ticks / tsc_mhz,
			       s->latency_avg_ticks / tsc_mhz, s->latency_max_ticks / tsc_mhz);
		printf("\n");
	} else {
		printf("  latency          (none reported)\n");
	}
	printf("  deadline misses  %llu\n", (unsigned long long)s->deadline_misses);
}

static double tsc_mhz(int fd)
{
	struct vmrpc_ioc_info info;

	if (ioctl(fd, VMRPC_IOC_INFO, &info) < 0 || !info.tsc_hz)
		return 0;
	return info.tsc_hz / 1e6;
}

/* PROC by name for the standard modules, else a number; -1 if neither. */
static long proc_number(const char *module, const char *s)
{
	static const struct { const char *module, *name; int proc; } names[] = {
		{"sysinfo", "get", VMRPC_SYSINFO_GET}, {"echo", "echo", VMRPC_ECHO_ECHO},
		{"echo", "null", VMRPC_ECHO_NULL},     {"echo", "stats", VMRPC_ECHO_STATS},
	};
	char *end;
	long v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(module, names[i].module) && !strcmp(s, names[i].name))
			return names[i].proc;
	v = strtol(s, &end, 0);
	return *s && !*end && v >= 0 && v < VMRPC_MAX_PROCS ? v : -1;
}

static void print_response(const char *module, uint32_t proc, const uint8_t *resp, int n, double mhz,
			   const char *who)
{
	int i;

	if (!strcmp(module, VMRPC_SYSINFO) && proc == VMRPC_SYSINFO_GET && n >= (int)sizeof(struct vmrpc_sysinfo)) {
		print_sysinfo(who, (const struct vmrpc_sysinfo *)resp, mhz);
	} else if (!strcmp(module, VMRPC_ECHO) && proc == VMRPC_ECHO_ECHO) {
		fwrite(resp, 1, (size_t)n, stdout);
		printf("\n");
	} else if (!strcmp(module, VMRPC_ECHO) && proc == VMRPC_ECHO_STATS && n >= (int)sizeof(struct vmrpc_echo_stats)) {
		const struct vmrpc_echo_stats *s = (const void *)resp;

		printf("%s echo stats: calls %llu exits %llu root_ticks %llu\n", who, (unsigned long long)s->calls,
		       (unsigned long long)s->exits, (unsigned long long)s->root_ticks);
	} else {
		printf("%d bytes:", n);
		for (i = 0; i < n; i++)
			printf("%s%02x", i % 16 ? " " : "\n  ", resp[i]);
		printf("\n");
	}
}

static int cmd_call(int argc, char **argv)
{
	static uint8_t resp[VMRPC_IOC_MAX_MSG];
	const char *part, *module, *arg = NULL;
	char name[VMRPC_IOC_NAME_MAX];
	long proc = 0;
	int fd, desc, n;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: vmrpc call PARTITION MODULE [PROC] [ARG]\n");
		return 2;
	}
	part = argv[1];
	module = argv[2];
	if (argc >= 4) {
		proc = proc_number(module, argv[3]);
		if (proc < 0 && argc == 5) {
			fprintf(stderr, "vmrpc: bad procedure '%s'\n", argv[3]);
			return 2;
		}
		if (proc < 0) { /* `vmrpc call rtos echo hello`: ARG, procedure 0 */
			proc = 0;
			arg = argv[3];
		}
		if (argc == 5)
			arg = argv[4];
	}
	if ((size_t)snprintf(name, sizeof(name), "%s/%s", part, module) >= sizeof(name)) {
		fprintf(stderr, "vmrpc: %s/%s: name too long\n", part, module);
		return 2;
	}
	fd = dev_open();
	desc = bind_or_die(fd, name, module);
	n = do_call(fd, desc, (uint32_t)proc, arg, arg ? (uint32_t)strlen(arg) : 0, resp, sizeof(resp));
	if (n < 0) {
		fprintf(stderr, "vmrpc: %s procedure %ld: %s\n", name, proc, err_name(-n));
		return 1;
	}
	print_response(module, (uint32_t)proc, resp, n, tsc_mhz(fd), part);
	return 0;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void print_histogram(const uint64_t *hist, int buckets)
{
	int b;

	printf("  ticks (log2)        calls\n");
	for (b = 0; b < buckets; b++)
		if (hist[b])
			printf("  [%10llu, %10llu) %llu\n", b ? 1ull << b : 0ull, 1ull << (b + 1),
			       (unsigned long long)hist[b]);
}

static int cmd_bench(int argc, char **argv)
{
	uint64_t hist[64] = {0}, min = UINT64_MAX, max = 0, sum = 0;
	long i, n = 1000;
	int fd, desc;
	char name[VMRPC_IOC_NAME_MAX];
	double mhz;

	if (argc == 5 && !strcmp(argv[3], "-n"))
		n = strtol(argv[4], NULL, 0);
	if ((argc != 3 && argc != 5) || strcmp(argv[2], "echo") || n <= 0 || n > 10000000) {
		fprintf(stderr, "usage: vmrpc bench PARTITION echo [-n N]\n");
		return 2;
	}
	snprintf(name, sizeof(name), "%.40s/echo", argv[1]);
	fd = dev_open();
	desc = bind_or_die(fd, name, "echo");
	for (i = 0; i < n; i++) {
		uint64_t t0 = rdtsc(), dt;
		int r = do_call(fd, desc, VMRPC_ECHO_NULL, NULL, 0, NULL, 0);

		dt = rdtsc() - t0;
		if (r < 0) {
			fprintf(stderr, "vmrpc: bench: call %ld: %s\n", i, err_name(-r));
			return 1;
		}
		min = dt < min ? dt : min;
		max = dt > max ? dt : max;
		sum += dt;
		hist[dt ? 63 - __builtin_clzll(dt) : 0]++;
	}
	mhz = tsc_mhz(fd);
	printf("%s echo NULL round trips: %ld\n", argv[1], n);
	printf("  ticks: min %llu avg %llu max %llu\n", (unsigned long long)min, (unsigned long long)(sum / n),
	       (unsigned long long)max);
	if (mhz > 0)
		printf("  us:    min %.2f avg %.2f max %.2f (TSC %.2f MHz)\n", min / mhz, sum / n / mhz, max / mhz, mhz);
	print_histogram(hist, 64);
	printf("vmrpc-bench calls=%ld min=%llu avg=%llu max=%llu ticks\n", n, (unsigned long long)min,
	       (unsigned long long)(sum / n), (unsigned long long)max);
	return 0;
}

static void print_event(const struct vmrpc_ioc_event *e)
{
	printf("event code=%u sender=%u seq=%u lost=%u data=0x%llx,0x%llx\n", e->code, e->sender, e->seq, e->lost,
	       (unsigned long long)e->data[0], (unsigned long long)e->data[1]);
}

static int events_usage(void)
{
	fprintf(stderr, "usage: vmrpc events get PARTITION/MODULE QUEUE [TIMEOUT_MS]\n"
			"       vmrpc events put PARTITION/MODULE QUEUE CODE [DATA0 [DATA1]]\n"
			"       vmrpc events info PARTITION/MODULE QUEUE\n");
	return 2;
}

static int events_run(int fd, int desc, int argc, char **argv)
{
	struct vmrpc_ioc_evq q = {.desc = (uint32_t)desc, .queue = (uint32_t)strtoul(argv[3], NULL, 0)};
	struct vmrpc_ioc_evq_info info = {.desc = (uint32_t)desc, .queue = q.queue};

	if (!strcmp(argv[1], "get")) {
		q.timeout_ms = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 0) : 0;
		if (ioctl(fd, VMRPC_IOC_EVQ_GET, &q) < 0)
			die_errno(errno == EAGAIN ? "events get (queue empty)" : "events get", errno);
		print_event(&q.ev);
	} else if (!strcmp(argv[1], "put")) {
		if (argc < 5)
			return events_usage();
		q.ev.code = (uint32_t)strtoul(argv[4], NULL, 0);
		q.ev.data[0] = argc > 5 ? strtoull(argv[5], NULL, 0) : 0;
		q.ev.data[1] = argc > 6 ? strtoull(argv[6], NULL, 0) : 0;
		if (ioctl(fd, VMRPC_IOC_EVQ_PUT, &q) < 0)
			die_errno(errno == EBUSY ? "events put (queue full)" : "events put", errno);
		printf("put seq=%u\n", q.ev.seq);
	} else if (!strcmp(argv[1], "info")) {
		if (ioctl(fd, VMRPC_IOC_EVQ_INFO, &info) < 0)
			die_errno("events info", errno);
		printf("queue %u: capacity %u count %u puts %u gets %u overflows %u\n", info.queue, info.capacity,
		       info.count, info.puts, info.gets, info.overflows);
	} else {
		return events_usage();
	}
	return 0;
}

static int cmd_events(int argc, char **argv)
{
	const char *slash;
	int fd;

	if (argc < 4 || !(slash = strchr(argv[2], '/')))
		return events_usage();
	fd = dev_open();
	return events_run(fd, bind_or_die(fd, argv[2], slash + 1), argc, argv);
}

static int udp_socket(long port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "vmrpc: udp-listen: port %ld: %s\n", port, strerror(errno));
		exit(1);
	}
	return fd;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Prints each datagram as one line (trailing newlines dropped). Exit 0
 * once COUNT arrived (COUNT 0: forever), 1 on timeout. */
static int cmd_udp_listen(int argc, char **argv)
{
	long port, count = 0, timeout = 0, got = 0;
	double end;
	char buf[2048];
	int fd, opt;

	optind = 2;
	while ((opt = getopt(argc, argv, "c:t:")) != -1) {
		if (opt == 'c')
			count = strtol(optarg, NULL, 0);
		else if (opt == 't')
			timeout = strtol(optarg, NULL, 0);
		else
			return 2;
	}
	port = argc > optind ? strtol(argv[optind], NULL, 0) : 0;
	if (port <= 0 || port > 65535 || count < 0 || timeout < 0) {
		fprintf(stderr, "usage: vmrpc udp-listen PORT [-c COUNT] [-t SECONDS]\n");
		return 2;
	}
	fd = udp_socket(port);
	end = now_s() + timeout;
	while (!count || got < count) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int wait_ms = timeout ? (int)((end - now_s()) * 1000) : -1;
		ssize_t n;

		if (timeout && wait_ms <= 0)
			break;
		if (poll(&p, 1, wait_ms) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			continue;
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			n--;
		buf[n] = '\0';
		printf("%s\n", buf);
		fflush(stdout);
		got++;
	}
	if (count && got < count) {
		fprintf(stderr, "vmrpc: udp-listen: timeout after %ld of %ld datagrams\n", got, count);
		return 1;
	}
	return 0;
}

static int cat_file(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}

static int cmd_stats(void)
{
	static const char *const one[] = {"mode", "gsi", "irq", "partition_id"};
	size_t i;

	if (access(VMRPC_SYSFS_DIR, F_OK)) {
		fprintf(stderr, "vmrpc: " VMRPC_SYSFS_DIR " missing: load vmrpc.ko\n");
		return 1;
	}
	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		char path[128];

		printf("%s ", one[i]);
		snprintf(path, sizeof(path), VMRPC_SYSFS_DIR "/%s", one[i]);
		cat_file(path);
	}
	cat_file(VMRPC_SYSFS_DIR "/stats");
	printf("descriptors:\n");
	cat_file(VMRPC_SYSFS_DIR "/modules");
	return 0;
}

static int cmd_info(void)
{
	struct vmrpc_ioc_info i;
	int fd = dev_open();

	if (ioctl(fd, VMRPC_IOC_INFO, &i) < 0)
		die_errno("info", errno);
	printf("partition %u '%.32s': %u CPU(s), %llu MiB RAM, TSC %.3f MHz, ABI %u\n", i.partition_id, i.name,
	       i.cpu_count, (unsigned long long)(i.ram_bytes >> 20), i.tsc_hz / 1e6, i.abi_version);
	printf("notifications: GSI %u, IRQ %d, rpc_vector %#x; this CPU: %llu exits\n", i.gsi, i.irq, i.rpc_vector,
	       (unsigned long long)i.exits);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: vmrpc list | info | stats\n"
		"       vmrpc call PARTITION MODULE [PROC] [ARG]   (vmrpc call rtos sysinfo; vmrpc call rtos echo hello)\n"
		"       vmrpc bench PARTITION echo [-n N]\n"
		"       vmrpc events get|put|info PARTITION/MODULE QUEUE ...\n"
		"       vmrpc serve [-d] [-p PIDFILE] sysinfo|echo|net...\n"
		"       vmrpc udp-listen PORT [-c COUNT] [-t SECONDS]\n"
		"       vmrpc console PARTITION\n"
		"       vmrpc selftest\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "list"))
		return cmd_list();
	if (!strcmp(cmd, "info"))
		return cmd_info();
	if (!strcmp(cmd, "stats"))
		return cmd_stats();
	if (!strcmp(cmd, "call"))
		return cmd_call(argc - 1, argv + 1);
	if (!strcmp(cmd, "bench"))
		return cmd_bench(argc - 1, argv + 1);
	if (!strcmp(cmd, "events"))
		return cmd_events(argc - 1, argv + 1);
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc - 1, argv + 1);
	if (!strcmp(cmd, "udp-listen"))
		return cmd_udp_listen(argc, argv);
	if (!strcmp(cmd, "selftest"))
		return cmd_selftest(argc - 1, argv + 1);
	if (!strcmp(cmd, "console"))
		return cmd_console(argc - 1, argv + 1);
	return usage();
}
