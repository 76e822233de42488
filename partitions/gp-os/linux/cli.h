/* The vmrpc user tool (vmrpc_cli.c): shared declarations. */
#ifndef VMRPC_CLI_H
#define VMRPC_CLI_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "include/vmrpc_abi.h"
#include "include/vmrpc_net.h"
#include "vmrpc_ioctl.h"

/* --------------------------------------------------- request handlers
 * Pure functions of (state, request) -> response, with no driver, so
 * that `vmrpc selftest` runs them on any Linux host. Each returns the
 * response length (<= resp_cap) or a negative errno for the caller. */

struct sysinfo_state {
	const char *proc_root;          /* "/proc" (tests: a fake tree) */
	uint64_t prev_busy, prev_total; /* /proc/stat at the previous call */
};
int sysinfo_handle(struct sysinfo_state *st, uint32_t proc, const void *req, uint32_t req_len, void *resp,
		   uint32_t resp_cap);

struct echo_state {
	uint64_t calls;
	/* The hypervisor's exit counts for this CPU (NULL: report zeros). */
	int (*exits)(void *ctx, uint64_t *exits, uint64_t *root_ticks);
	void *ctx;
};
int echo_handle(struct echo_state *st, uint32_t proc, const void *req, uint32_t req_len, void *resp,
		uint32_t resp_cap);

#define NET_MAX_CLIENTS 8
struct net_client {
	int used;
	uint32_t id;                        /* partition id of the caller */
	int fd[VMRPC_NET_MAX_SOCKETS];      /* -1: free handle */
	uint32_t type[VMRPC_NET_MAX_SOCKETS];
};
struct net_state {
	pthread_mutex_t lock;               /* the tables; never held across I/O */
	struct net_client clients[NET_MAX_CLIENTS];
};
void net_init(struct net_state *st);
void net_close_all(struct net_state *st);
int net_handle(struct net_state *st, uint32_t client, uint32_t proc, const void *req, uint32_t req_len,
	       void *resp, uint32_t resp_cap);

/* ------------------------------------------------------------ commands */
int cmd_serve(int argc, char **argv);
int cmd_selftest(int argc, char **argv);
int cmd_console(int argc, char **argv); /* cli_console.c */

/* Helpers (vmrpc_cli.c). */
int dev_open(void);
const char *err_name(int err);
void die_errno(const char *what, int err);

#endif
