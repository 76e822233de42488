/* `vmrpc selftest`: the request handlers of `vmrpc serve` on this host,
 * without the driver or the hypervisor: sysinfo against the real /proc
 * and a fake one, echo, and net through real loopback UDP/TCP sockets,
 * including the malformed requests a client partition might send.
 * Prints one line per failed check and "selftest: N passed, M failed". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"

static int passed, failed;

#define CHECK(cond) check((cond), #cond, __LINE__)
static void check(int ok, const char *what, int line)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("selftest: FAIL line %d: %s\n", line, what);
	}
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_sysinfo_real(void)
{
	struct sysinfo_state st = {.proc_root = "/proc"};
	struct vmrpc_sysinfo si;
	uint8_t small[8];

	CHECK(sysinfo_handle(&st, VMRPC_SYSINFO_GET, NULL, 0, &si, sizeof(si)) == sizeof(si));
	CHECK(!strncmp(si.os_name, "Linux ", 6));
	CHECK(si.mem_total_bytes > 0 && si.mem_used_bytes + si.mem_free_bytes == si.mem_total_bytes);
	CHECK(si.uptime_us > 0 && si.task_count > 0 && si.cpu_load_permille <= 1000 && !si.has_latency);
	CHECK(sysinfo_handle(&st, VMRPC_SYSINFO_GET, NULL, 0, &si, sizeof(si)) == sizeof(si));
	CHECK(si.cpu_load_permille <= 1000);
	CHECK(sysinfo_handle(&st, 1, NULL, 0, &si, sizeof(si)) == -EINVAL);
	CHECK(sysinfo_handle(&st, VMRPC_SYSINFO_GET, NULL, 0, small, sizeof(small)) == -EMSGSIZE);
}

static void test_sysinfo_fake(void)
{
	char dir[] = "/tmp/vmrpc-selftest-XXXXXX";
	struct sysinfo_state st;
	struct vmrpc_sysinfo si;

	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return;
	}
	st = (struct sysinfo_state){.proc_root = dir};
	write_file(dir, "meminfo", "MemTotal:     1000 kB\nMemFree:       100 kB\nMemAvailable:   400 kB\n");
	write_file(dir, "uptime", "12.50 3.00\n");
	write_file(dir, "loadavg", "0.50 0.30 0.10 2/77 999\n");
	write_file(dir, "stat", "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 100 0 100 800 0 0 0 0 0 0\n");
	CHECK(sysinfo_handle(&st, VMRPC_SYSINFO_GET, NULL, 0, &si, sizeof(si)) == sizeof(si));
	CHECK(si.mem_total_bytes == 1024000 && si.mem_free_bytes == 409600 && si.mem_used_bytes == 614400);
	CHECK(si.uptime_us == 12500000 && si.task_count == 77 && si.cpu_load_permille == 200);
	/* Since the previous call: 300 more busy of 400 more in all. */
	write_file(dir, "stat", "cpu  300 0 200 900 0 0 0 0 0 0\n");
	CHECK(sysinfo_handle(&st, VMRPC_SYSINFO_GET, NULL, 0, &si, sizeof(si)) == sizeof(si));
	CHECK(si.cpu_load_permille == 750);
	/* Nothing readable: zeros, still an answer. */
	st.proc_root = "/nonexistent";
	CHECK(sysinfo_handle(&st, VMRPC_SYSINFO_GET, NULL, 0, &si, sizeof(si)) == sizeof(si));
	CHECK(si.mem_total_bytes == 0 && si.task_count == 0);
	for (const char *n = "meminfo\0uptime\0loadavg\0stat\0"; *n; n += strlen(n) + 1) {
		char p[300];

		snprintf(p, sizeof(p), "%s/%s", dir, n);
		unlink(p);
	}
	rmdir(dir);
}

static void test_echo(void)
{
	struct echo_state st = {0};
	struct vmrpc_echo_stats s;
	char out[16];

	CHECK(echo_handle(&st, VMRPC_ECHO_ECHO, "hello", 5, out, sizeof(out)) == 5 && !memcmp(out, "hello", 5));
	CHECK(echo_handle(&st, VMRPC_ECHO_ECHO, "0123456789abcdefX", 17, out, sizeof(out)) == -EMSGSIZE);
	CHECK(echo_handle(&st, VMRPC_ECHO_NULL, NULL, 0, NULL, 0) == 0);
	CHECK(echo_handle(&st, VMRPC_ECHO_STATS, NULL, 0, &s, sizeof(s)) == sizeof(s) && s.calls == 4 && !s.exits);
	CHECK(echo_handle(&st, 3, NULL, 0, out, sizeof(out)) == -EINVAL);
}

/* ------------------------------------------------------------- net */

static struct net_state net;
static uint8_t resp[4096];

static int net_call(uint32_t client, uint32_t proc, const void *req, uint32_t len)
{
	return net_handle(&net, client, proc, req, len, resp, sizeof(resp));
}

static int net_open(uint32_t client, uint32_t type)
{
	struct vmrpc_net_socket_req r = {.type = type};

	if (net_call(client, VMRPC_NET_SOCKET, &r, sizeof(r)) != sizeof(struct vmrpc_net_socket_resp))
		return -1;
	return ((struct vmrpc_net_socket_resp *)resp)->handle;
}

/* A plain socket on 127.0.0.1, ephemeral port; returns fd, *port. */
static int plain_socket(int type, uint16_t *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(sa);
	int fd = socket(AF_INET, type, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || getsockname(fd, (struct sockaddr *)&sa, &l))
		return -1;
	*port = ntohs(sa.sin_port);
	return fd;
}

static int net_sendto(uint32_t client, int h, uint16_t port, const char *text)
{
	struct { struct vmrpc_net_send_req h; char data[64]; } r = {{.handle = h, .to = {0x7F000001, port, 0}}, {0}};
	size_t n = strlen(text);

	memcpy(r.data, text, n);
	return net_call(client, VMRPC_NET_SENDTO, &r, (uint32_t)(sizeof(r.h) + n));
}

static void test_net_udp(void)
{
	struct vmrpc_net_recv_req rr = {.max_len = 64, .timeout_ms = 1000};
	struct vmrpc_net_addr_req ar = {0};
	struct vmrpc_net_recv_resp *out = (void *)resp;
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	uint16_t port, port2;
	char buf[64];
	int h, h2, fd = plain_socket(SOCK_DGRAM, &port), fd2 = plain_socket(SOCK_DGRAM, &port2);
	ssize_t n;

	CHECK(fd >= 0 && fd2 >= 0);
	/* The RTOS demo's path: SOCKET, SENDTO 127.0.0.1:port. */
	h = net_open(1, VMRPC_NET_UDP);
	CHECK(h == 0);
	CHECK(net_sendto(1, h, port, "rtos latency: selftest\n") == sizeof(struct vmrpc_net_send_resp));
	CHECK(((struct vmrpc_net_send_resp *)resp)->sent == 23);
	n = recv(fd, buf, sizeof(buf), 0);
	CHECK(n == 23 && !memcmp(buf, "rtos latency: selftest\n", 23));
	/* BIND, then RECV what a plain socket sends. */
	close(fd2); /* free its port for the handle to take */
	h2 = net_open(1, VMRPC_NET_UDP);
	ar = (struct vmrpc_net_addr_req){.handle = h2, .addr = {0x7F000001, port2, 0}};
	CHECK(h2 == 1 && net_call(1, VMRPC_NET_BIND, &ar, sizeof(ar)) == 0);
	to.sin_port = htons(port2);
	CHECK(sendto(fd, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to)) == 4);
	rr.handle = h2;
	CHECK(net_call(1, VMRPC_NET_RECV, &rr, sizeof(rr)) == (int)sizeof(*out) + 4);
	CHECK(out->len == 4 && !memcmp(out + 1, "ping", 4) && out->from.ipv4 == 0x7F000001 && out->from.port == port);
	rr.timeout_ms = 50;
	CHECK(net_call(1, VMRPC_NET_RECV, &rr, sizeof(rr)) == -ETIMEDOUT);
	/* CONNECT + SEND. */
	ar = (struct vmrpc_net_addr_req){.handle = h, .addr = {0x7F000001, port, 0}};
	CHECK(net_call(1, VMRPC_NET_CONNECT, &ar, sizeof(ar)) == 0);
	{
		struct { struct vmrpc_net_send_req h; char d[4]; } s = {{.handle = h}, "abc"};

		CHECK(net_call(1, VMRPC_NET_SEND, &s, sizeof(s)) == sizeof(struct vmrpc_net_send_resp));
	}
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0 && n != 4)
		;
	CHECK(n == 4 && !memcmp(buf, "abc", 4));
	/* Handles are per client partition. */
	CHECK(net_sendto(2, h, port, "x") == -EBADF);
	{
		struct vmrpc_net_handle_req c = {.handle = h};

		CHECK(net_call(1, VMRPC_NET_CLOSE, &c, sizeof(c)) == 0);
		CHECK(net_call(1, VMRPC_NET_CLOSE, &c, sizeof(c)) == -EBADF);
		CHECK(net_sendto(1, h, port, "x") == -EBADF);
	}
	close(fd);
	net_close_all(&net);
}

static void test_net_tcp(void)
{
	struct vmrpc_net_addr_req ar = {0};
	struct { struct vmrpc_net_send_req h; char d[6]; } s = {{0}, "hello"};
	uint16_t port;
	char buf[16];
	int lfd = plain_socket(SOCK_STREAM, &port), cfd, h;

	CHECK(lfd >= 0 && listen(lfd, 1) == 0);
	h = net_open(3, VMRPC_NET_TCP);
	ar = (struct vmrpc_net_addr_req){.handle = h, .addr = {0x7F000001, port, 0}};
	CHECK(h == 0 && net_call(3, VMRPC_NET_CONNECT, &ar, sizeof(ar)) == 0);
	cfd = accept(lfd, NULL, NULL);
	s.h.handle = h;
	CHECK(net_call(3, VMRPC_NET_SEND, &s, sizeof(s.h) + 6) == sizeof(struct vmrpc_net_send_resp));
	CHECK(cfd >= 0 && recv(cfd, buf, sizeof(buf), 0) == 6 && !strcmp(buf, "hello"));
	close(cfd);
	close(lfd);
	/* Nobody listening any more: refused. */
	h = net_open(3, VMRPC_NET_TCP);
	CHECK(net_call(3, VMRPC_NET_CONNECT, &(struct vmrpc_net_addr_req){.handle = h, .addr = {0x7F000001, port, 0}},
		       sizeof(ar)) == -ECONNREFUSED);
	net_close_all(&net);
}

static void test_net_invalid(void)
{
	struct vmrpc_net_socket_req bad_type = {.type = 9}, bad_res = {.type = VMRPC_NET_UDP, .reserved = 1};
	struct vmrpc_net_recv_req rr = {.max_len = VMRPC_NET_MAX_DATA + 1};
	static uint8_t big[sizeof(struct vmrpc_net_send_req) + VMRPC_NET_MAX_DATA + 1];
	struct vmrpc_net_handle_req c = {.handle = 99};
	int i, h;

	CHECK(net_call(1, VMRPC_NET_SOCKET, &bad_type, sizeof(bad_type)) == -EINVAL);
	CHECK(net_call(1, VMRPC_NET_SOCKET, &bad_res, sizeof(bad_res)) == -EINVAL);
	CHECK(net_call(1, VMRPC_NET_SOCKET, &bad_type, 4) == -EINVAL);
	CHECK(net_call(1, VMRPC_NET_CLOSE, &c, sizeof(c)) == -EBADF);
	c.handle = -1;
	CHECK(net_call(1, VMRPC_NET_CLOSE, &c, sizeof(c)) == -EBADF);
	CHECK(net_call(1, VMRPC_NET_PROCS, &c, sizeof(c)) == -EINVAL);
	h = net_open(1, VMRPC_NET_UDP);
	CHECK(h >= 0);
	rr.handle = h;
	CHECK(net_call(1, VMRPC_NET_RECV, &rr, sizeof(rr)) == -EINVAL);
	rr = (struct vmrpc_net_recv_req){.handle = h, .max_len = 8, .timeout_ms = VMRPC_NET_MAX_TIMEOUT_MS + 1};
	CHECK(net_call(1, VMRPC_NET_RECV, &rr, sizeof(rr)) == -EINVAL);
	CHECK(net_call(1, VMRPC_NET_SENDTO, big, sizeof(big)) == -EINVAL);
	CHECK(net_call(1, VMRPC_NET_SENDTO, big, 8) == -EINVAL);
	CHECK(net_handle(&net, 1, VMRPC_NET_SOCKET, &(struct vmrpc_net_socket_req){.type = VMRPC_NET_UDP}, 8, resp, 4) ==
	      -EMSGSIZE);
	for (i = 1; i < VMRPC_NET_MAX_SOCKETS; i++)
		CHECK(net_open(1, VMRPC_NET_UDP) == i);
	CHECK(net_call(1, VMRPC_NET_SOCKET, &(struct vmrpc_net_socket_req){.type = VMRPC_NET_UDP}, 8) == -EMFILE);
	CHECK(net_open(2, VMRPC_NET_UDP) == 0); /* another partition has its own table */
	net_close_all(&net);
}

int cmd_selftest(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	net_init(&net);
	test_sysinfo_real();
	test_sysinfo_fake();
	test_echo();
	test_net_udp();
	test_net_tcp();
	test_net_invalid();
	printf("selftest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
