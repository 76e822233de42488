/* `vmrpc serve [-d] [-p PIDFILE] MODULE...`: serves sysinfo, echo and
 * net from user space through /dev/vmrpc, one or more threads per module
 * (net gets several: a RECV may wait up to 5 s). All modules are
 * registered before it answers anything, so `-d` returns (parent exits
 * 0) only once every module is in place. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

#define MAX_MODULES 3
#define SLOT_SIZE (64 + 4096)

struct served {
	const char *name;
	uint32_t version, procs, threads;
	int desc;
	uint64_t count;
	int (*handle)(struct served *m, const struct vmrpc_ioc_serve *v, const void *req, void *resp);
};

static int dev_fd = -1;
static struct sysinfo_state sysinfo_st = {.proc_root = "/proc"};
static struct echo_state echo_st;
static struct net_state net_st;
static pthread_mutex_t sysinfo_lock = PTHREAD_MUTEX_INITIALIZER;

static int h_sysinfo(struct served *m, const struct vmrpc_ioc_serve *v, const void *req, void *resp)
{
	int r;

	(void)m;
	pthread_mutex_lock(&sysinfo_lock);
	r = sysinfo_handle(&sysinfo_st, v->proc, req, v->req_len, resp, v->resp_cap);
	pthread_mutex_unlock(&sysinfo_lock);
	return r;
}

static int h_echo(struct served *m, const struct vmrpc_ioc_serve *v, const void *req, void *resp)
{
	(void)m;
	return echo_handle(&echo_st, v->proc, req, v->req_len, resp, v->resp_cap);
}

static int h_net(struct served *m, const struct vmrpc_ioc_serve *v, const void *req, void *resp)
{
	(void)m;
	return net_handle(&net_st, v->client_id, v->proc, req, v->req_len, resp, v->resp_cap);
}

/* STATS: the hypervisor's exit counts for the CPU serving (INFO ioctl). */
static int echo_exits(void *ctx, uint64_t *exits, uint64_t *root_ticks)
{
	struct vmrpc_ioc_info info;

	(void)ctx;
	if (ioctl(dev_fd, VMRPC_IOC_INFO, &info) < 0)
		return -errno;
	*exits = info.exits;
	*root_ticks = info.root_ticks;
	return 0;
}

static const struct served catalogue[] = {
	{VMRPC_SYSINFO, VMRPC_SYSINFO_VERSION, 1, 1, -1, 0, h_sysinfo},
	{VMRPC_ECHO, VMRPC_ECHO_VERSION, 3, 1, -1, 0, h_echo},
	{VMRPC_NET, VMRPC_NET_VERSION, VMRPC_NET_PROCS, 4, -1, 0, h_net},
};

/* One SERVE/handle/REPLY round; returns 0 to go on, -1 to stop. */
static int serve_one(struct served *m, uint8_t *req, uint8_t *resp)
{
	struct vmrpc_ioc_serve v = {.buf = (uintptr_t)req, .desc = (uint32_t)m->desc, .cap = VMRPC_MAX_MSG,
				    .timeout_ms = 10000};
	struct vmrpc_ioc_reply p;
	int r;

	if (ioctl(dev_fd, VMRPC_IOC_SERVE, &v) < 0) {
		if (errno == ETIMEDOUT || errno == EINTR)
			return 0;
		fprintf(stderr, "vmrpc serve: %s: SERVE: %s\n", m->name, strerror(errno));
		return -1;
	}
	r = v.req_len > VMRPC_MAX_MSG ? -EMSGSIZE : m->handle(m, &v, req, resp);
	if (r > (int)v.resp_cap) /* a handler bug: never claim bytes that are not there */
		r = -EMSGSIZE;
	p = (struct vmrpc_ioc_reply){.resp = (uintptr_t)resp, .desc = (uint32_t)m->desc, .slot = v.slot,
				     .status = r < 0 ? r : 0, .resp_len = r < 0 ? 0 : (uint32_t)r};
	if (ioctl(dev_fd, VMRPC_IOC_REPLY, &p) < 0 && errno != EMSGSIZE)
		fprintf(stderr, "vmrpc serve: %s: REPLY: %s\n", m->name, strerror(errno));
	__atomic_add_fetch(&m->count, 1, __ATOMIC_RELAXED);
	return 0;
}

static void *serve_thread(void *arg)
{
	struct served *m = arg;
	uint8_t *req = malloc(VMRPC_MAX_MSG), *resp = malloc(VMRPC_MAX_MSG);

	if (req && resp)
		while (serve_one(m, req, resp) == 0)
			;
	free(req);
	free(resp);
	return NULL;
}

static int register_module(struct served *m)
{
	struct vmrpc_ioc_register r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", m->name);
	r.version = m->version;
	r.proc_count = m->procs;
	r.slot_count = 4;
	r.slot_size = SLOT_SIZE;
	if (ioctl(dev_fd, VMRPC_IOC_REGISTER, &r) < 0) {
		int e = errno;

		if (e == EPERM)
			fprintf(stderr, "vmrpc serve: %s: not permitted by the hypervisor's configuration (rpc_serve)\n",
				m->name);
		else if (e == EEXIST)
			fprintf(stderr, "vmrpc serve: %s: already registered (another vmrpc serve running?)\n", m->name);
		else
			fprintf(stderr, "vmrpc serve: %s: register: %s\n", m->name, strerror(e));
		return -1;
	}
	m->desc = r.desc;
	return 0;
}

static int pick_modules(int argc, char **argv, struct served *mods)
{
	int i, j, n = 0;

	for (i = 0; i < argc; i++) {
		for (j = 0; j < MAX_MODULES && strcmp(argv[i], catalogue[j].name); j++)
			;
		if (j == MAX_MODULES || n == MAX_MODULES) {
			fprintf(stderr, "vmrpc serve: unknown module '%s' (sysinfo, echo, net)\n", argv[i]);
			return -1;
		}
		mods[n++] = catalogue[j];
	}
	return n;
}

/* -d: fork after registering; the parent writes the pid and exits 0. */
static void daemonize(const char *pidfile)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("vmrpc serve: fork");
		exit(1);
	}
	if (pid > 0) {
		if (pidfile) {
			FILE *f = fopen(pidfile, "w");

			if (f) {
				fprintf(f, "%d\n", (int)pid);
				fclose(f);
			}
		}
		_exit(0);
	}
	setsid();
}

int cmd_serve(int argc, char **argv)
{
	struct served mods[MAX_MODULES];
	const char *pidfile = NULL;
	int i, n, opt, daemon = 0;

	while ((opt = getopt(argc, argv, "dp:")) != -1) {
		if (opt == 'd')
			daemon = 1;
		else if (opt == 'p')
			pidfile = optarg;
		else
			return 2;
	}
	n = pick_modules(argc - optind, argv + optind, mods);
	if (n <= 0) {
		if (!n)
			fprintf(stderr, "usage: vmrpc serve [-d] [-p PIDFILE] sysinfo|echo|net...\n");
		return 2;
	}
	dev_fd = dev_open();
	net_init(&net_st);
	echo_st.exits = echo_exits;
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < n; i++)
		if (register_module(&mods[i]))
			return 1; /* closing the device unregisters the others */
	printf("vmrpc serve: serving");
	for (i = 0; i < n; i++)
		printf(" %s(desc %d)", mods[i].name, mods[i].desc);
	printf("\n");
	fflush(stdout);
	if (daemon)
		daemonize(pidfile);
	for (i = 0; i < n; i++) {
		uint32_t t;

		for (t = 0; t < mods[i].threads; t++) {
			pthread_t th;

			if (pthread_create(&th, NULL, serve_thread, &mods[i])) {
				fprintf(stderr, "vmrpc serve: pthread_create failed\n");
				return 1;
			}
			if (i + 1 < n || t + 1 < mods[i].threads)
				pthread_detach(th);
			else
				pthread_join(th, NULL); /* the last one keeps the process */
		}
	}
	return 1; /* a serving thread stopped on an error */
}
