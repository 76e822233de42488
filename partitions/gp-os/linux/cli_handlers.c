/* Request handlers of the modules `vmrpc serve` offers: sysinfo, echo,
 * net. No driver here: `vmrpc selftest` runs them on the host. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"

/* ---------------------------------------------------------- sysinfo */

/* Reads at most cap-1 bytes of root/name into buf; 0 or -errno. */
static int read_proc(const char *root, const char *name, char *buf, size_t cap)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	return 0;
}

/* "Key:   123 kB" from /proc/meminfo, in bytes (0 if absent). */
static uint64_t meminfo_field(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;

	while ((p = strstr(p, key)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[kl] == ':')
			return strtoull(p + kl + 1, NULL, 10) * 1024;
		p += kl;
	}
	return 0;
}

static void sysinfo_memory(struct sysinfo_state *st, struct vmrpc_sysinfo *si)
{
	char buf[4096];
	uint64_t avail;

	if (read_proc(st->proc_root, "meminfo", buf, sizeof(buf)))
		return;
	si->mem_total_bytes = meminfo_field(buf, "MemTotal");
	avail = meminfo_field(buf, "MemAvailable");
	si->mem_free_bytes = avail ? avail : meminfo_field(buf, "MemFree");
	si->mem_used_bytes = si->mem_total_bytes > si->mem_free_bytes ? si->mem_total_bytes - si->mem_free_bytes : 0;
}

/* Busy share of all CPUs since the previous call (the ABI's definition),
 * from /proc/stat's "cpu" line; the first call covers time since boot. */
static uint32_t sysinfo_load(struct sysinfo_state *st)
{
	unsigned long long v[10] = {0};
	uint64_t total = 0, idle, dt, db;
	char buf[512];
	int i;

	if (read_proc(st->proc_root, "stat", buf, sizeof(buf)) ||
	    sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &v[6], &v[7]) < 4)
		return 0;
	for (i = 0; i < 8; i++)
		total += v[i];
	idle = v[3] + v[4]; /* idle + iowait */
	dt = total - st->prev_total;
	db = (total - idle) - st->prev_busy;
	st->prev_total = total;
	st->prev_busy = total - idle;
	return dt ? (uint32_t)(db * 1000 / dt) : 0;
}

static void sysinfo_misc(struct sysinfo_state *st, struct vmrpc_sysinfo *si)
{
	struct utsname u;
	char buf[256];
	unsigned int running, tasks;
	double up;

	if (uname(&u) == 0)
		snprintf(si->os_name, sizeof(si->os_name), "Linux %.25s", u.release); /* truncated to fit */
	else
		snprintf(si->os_name, sizeof(si->os_name), "Linux");
	if (!read_proc(st->proc_root, "uptime", buf, sizeof(buf)) && sscanf(buf, "%lf", &up) == 1 && up >= 0)
		si->uptime_us = (uint64_t)(up * 1e6);
	/* /proc/loadavg: "0.00 0.01 0.05 1/87 1234": tasks after the slash. */
	if (!read_proc(st->proc_root, "loadavg", buf, sizeof(buf)) &&
	    sscanf(buf, "%*s %*s %*s %u/%u", &running, &tasks) == 2)
		si->task_count = tasks;
}

int sysinfo_handle(struct sysinfo_state *st, uint32_t proc, const void *req, uint32_t req_len, void *resp,
		   uint32_t resp_cap)
{
	struct vmrpc_sysinfo si;

	(void)req;
	(void)req_len;
	if (proc != VMRPC_SYSINFO_GET)
		return -EINVAL;
	if (resp_cap < sizeof(si))
		return -EMSGSIZE;
	memset(&si, 0, sizeof(si));
	sysinfo_misc(st, &si);
	sysinfo_memory(st, &si);
	si.cpu_load_permille = sysinfo_load(st);
	si.has_latency = 0; /* no timer-latency figures kept on this side */
	memcpy(resp, &si, sizeof(si));
	return sizeof(si);
}

/* ------------------------------------------------------------- echo */

int echo_handle(struct echo_state *st, uint32_t proc, const void *req, uint32_t req_len, void *resp,
		uint32_t resp_cap)
{
	struct vmrpc_echo_stats s = {0};

	st->calls++;
	switch (proc) {
	case VMRPC_ECHO_ECHO:
		if (req_len > resp_cap)
			return -EMSGSIZE;
		memmove(resp, req, req_len);
		return (int)req_len;
	case VMRPC_ECHO_NULL:
		return 0;
	case VMRPC_ECHO_STATS:
		if (resp_cap < sizeof(s))
			return -EMSGSIZE;
		s.calls = st->calls;
		if (st->exits)
			st->exits(st->ctx, &s.exits, &s.root_ticks);
		memcpy(resp, &s, sizeof(s));
		return sizeof(s);
	default:
		return -EINVAL;
	}
}

/* -------------------------------------------------------------- net */

void net_init(struct net_state *st)
{
	int c, h;

	memset(st, 0, sizeof(*st));
	pthread_mutex_init(&st->lock, NULL);
	for (c = 0; c < NET_MAX_CLIENTS; c++)
		for (h = 0; h < VMRPC_NET_MAX_SOCKETS; h++)
			st->clients[c].fd[h] = -1;
}

void net_close_all(struct net_state *st)
{
	int c, h;

	pthread_mutex_lock(&st->lock);
	for (c = 0; c < NET_MAX_CLIENTS; c++)
		for (h = 0; h < VMRPC_NET_MAX_SOCKETS; h++)
			if (st->clients[c].fd[h] >= 0) {
				close(st->clients[c].fd[h]);
				st->clients[c].fd[h] = -1;
			}
	pthread_mutex_unlock(&st->lock);
}

/* The caller's table (created on first use). Under lock. */
static struct net_client *net_client(struct net_state *st, uint32_t id, int create)
{
	struct net_client *free_c = NULL;
	int c;

	for (c = 0; c < NET_MAX_CLIENTS; c++) {
		if (st->clients[c].used && st->clients[c].id == id)
			return &st->clients[c];
		if (!st->clients[c].used && !free_c)
			free_c = &st->clients[c];
	}
	if (!create || !free_c)
		return NULL;
	free_c->used = 1;
	free_c->id = id;
	return free_c;
}

/* A private duplicate of the caller's socket `handle` (so a concurrent
 * CLOSE cannot pull the descriptor from under our I/O), or -EBADF. */
static int net_get(struct net_state *st, uint32_t client, int32_t handle, uint32_t *type)
{
	struct net_client *c;
	int fd = -EBADF;

	if (handle < 0 || handle >= VMRPC_NET_MAX_SOCKETS)
		return -EBADF;
	pthread_mutex_lock(&st->lock);
	c = net_client(st, client, 0);
	if (c && c->fd[handle] >= 0) {
		fd = fcntl(c->fd[handle], F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			fd = -errno;
		if (type)
			*type = c->type[handle];
	}
	pthread_mutex_unlock(&st->lock);
	return fd;
}

static struct sockaddr_in net_sockaddr(const struct vmrpc_net_addr *a)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_addr.s_addr = htonl(a->ipv4);
	s.sin_port = htons(a->port);
	return s;
}

/* Blocking socket calls give up after this: a server thread must not
 * hang on a peer (TCP connect, full send buffer). */
static void net_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = VMRPC_NET_MAX_TIMEOUT_MS / 1000};

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static int net_socket(struct net_state *st, uint32_t client, const void *req, uint32_t req_len, void *resp,
		      uint32_t resp_cap)
{
	struct vmrpc_net_socket_req r;
	struct vmrpc_net_socket_resp out = {0};
	struct net_client *c;
	int fd, h, err = -EMFILE;

	if (req_len != sizeof(r))
		return -EINVAL;
	memcpy(&r, req, sizeof(r));
	if ((r.type != VMRPC_NET_UDP && r.type != VMRPC_NET_TCP) || r.reserved)
		return -EINVAL;
	if (resp_cap < sizeof(out))
		return -EMSGSIZE;
	fd = socket(AF_INET, (r.type == VMRPC_NET_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	net_timeouts(fd);
	pthread_mutex_lock(&st->lock);
	c = net_client(st, client, 1);
	for (h = 0; c && h < VMRPC_NET_MAX_SOCKETS; h++) {
		if (c->fd[h] < 0) {
			c->fd[h] = fd;
			c->type[h] = r.type;
			out.handle = h;
			err = 0;
			break;
		}
	}
	pthread_mutex_unlock(&st->lock);
	if (err) {
		close(fd);
		return err;
	}
	memcpy(resp, &out, sizeof(out));
	return sizeof(out);
}

static int net_addr_op(struct net_state *st, uint32_t client, uint32_t proc, const void *req, uint32_t req_len)
{
	struct vmrpc_net_addr_req r;
	struct sockaddr_in sa;
	int fd, rc;

	if (req_len != sizeof(r))
		return -EINVAL;
	memcpy(&r, req, sizeof(r));
	if (r.reserved || r.addr.reserved)
		return -EINVAL;
	fd = net_get(st, client, r.handle, NULL);
	if (fd < 0)
		return fd;
	sa = net_sockaddr(&r.addr);
	if (proc == VMRPC_NET_BIND)
		rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	else
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	rc = rc < 0 ? -errno : 0;
	close(fd);
	return rc;
}

static int net_send(struct net_state *st, uint32_t client, uint32_t proc, const void *req, uint32_t req_len,
		    void *resp, uint32_t resp_cap)
{
	struct vmrpc_net_send_req r;
	struct vmrpc_net_send_resp out = {0};
	struct sockaddr_in sa;
	uint32_t len;
	ssize_t n;
	int fd;

	if (req_len < sizeof(r) || req_len - sizeof(r) > VMRPC_NET_MAX_DATA)
		return -EINVAL;
	memcpy(&r, req, sizeof(r));
	if (r.reserved || r.to.reserved)
		return -EINVAL;
	if (resp_cap < sizeof(out))
		return -EMSGSIZE;
	len = req_len - sizeof(r);
	fd = net_get(st, client, r.handle, NULL);
	if (fd < 0)
		return fd;
	sa = net_sockaddr(&r.to);
	if (proc == VMRPC_NET_SENDTO)
		n = sendto(fd, (const char *)req + sizeof(r), len, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof(sa));
	else
		n = send(fd, (const char *)req + sizeof(r), len, MSG_NOSIGNAL);
	n = n < 0 ? -errno : n;
	close(fd);
	if (n < 0)
		return (int)n;
	out.sent = (uint32_t)n;
	memcpy(resp, &out, sizeof(out));
	return sizeof(out);
}

static int net_recv(struct net_state *st, uint32_t client, const void *req, uint32_t req_len, void *resp,
		    uint32_t resp_cap)
{
	struct vmrpc_net_recv_req r;
	struct vmrpc_net_recv_resp out = {0};
	struct sockaddr_in from = {0};
	socklen_t fl = sizeof(from);
	struct pollfd pfd;
	uint32_t max;
	ssize_t n;
	int fd, pr;

	if (req_len != sizeof(r))
		return -EINVAL;
	memcpy(&r, req, sizeof(r));
	if (r.reserved || r.max_len > VMRPC_NET_MAX_DATA || r.timeout_ms > VMRPC_NET_MAX_TIMEOUT_MS)
		return -EINVAL;
	if (resp_cap < sizeof(out))
		return -EMSGSIZE;
	max = r.max_len < resp_cap - sizeof(out) ? r.max_len : resp_cap - sizeof(out);
	fd = net_get(st, client, r.handle, NULL);
	if (fd < 0)
		return fd;
	pfd = (struct pollfd){.fd = fd, .events = POLLIN};
	pr = poll(&pfd, 1, (int)r.timeout_ms);
	if (pr <= 0) {
		close(fd);
		return pr < 0 ? -errno : -ETIMEDOUT;
	}
	n = recvfrom(fd, (char *)resp + sizeof(out), max, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	n = n < 0 ? -errno : n;
	close(fd);
	if (n < 0)
		return (int)n;
	out.from.ipv4 = from.sin_family == AF_INET ? ntohl(from.sin_addr.s_addr) : 0;
	out.from.port = from.sin_family == AF_INET ? ntohs(from.sin_port) : 0;
	out.len = (uint32_t)n;
	memcpy(resp, &out, sizeof(out));
	return (int)(sizeof(out) + n);
}

static int net_close(struct net_state *st, uint32_t client, const void *req, uint32_t req_len)
{
	struct vmrpc_net_handle_req r;
	struct net_client *c;
	int rc = -EBADF;

	if (req_len != sizeof(r))
		return -EINVAL;
	memcpy(&r, req, sizeof(r));
	if (r.reserved)
		return -EINVAL;
	if (r.handle < 0 || r.handle >= VMRPC_NET_MAX_SOCKETS)
		return -EBADF;
	pthread_mutex_lock(&st->lock);
	c = net_client(st, client, 0);
	if (c && c->fd[r.handle] >= 0) {
		close(c->fd[r.handle]);
		c->fd[r.handle] = -1;
		rc = 0;
	}
	pthread_mutex_unlock(&st->lock);
	return rc;
}

int net_handle(struct net_state *st, uint32_t client, uint32_t proc, const void *req, uint32_t req_len,
	       void *resp, uint32_t resp_cap)
{
	switch (proc) {
	case VMRPC_NET_SOCKET:
		return net_socket(st, client, req, req_len, resp, resp_cap);
	case VMRPC_NET_BIND:
	case VMRPC_NET_CONNECT:
		return net_addr_op(st, client, proc, req, req_len);
	case VMRPC_NET_SEND:
	case VMRPC_NET_SENDTO:
		return net_send(st, client, proc, req, req_len, resp, resp_cap);
	case VMRPC_NET_RECV:
		return net_recv(st, client, req, req_len, resp, resp_cap);
	case VMRPC_NET_CLOSE:
		return net_close(st, client, req, req_len);
	default:
		return -EINVAL;
	}
}
