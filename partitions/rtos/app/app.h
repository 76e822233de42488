/* The RTOS's applications (option app=): demo, selftest, latency,
 * rpctest, rpcbench. */
#ifndef RTOS_APP_H
#define RTOS_APP_H

#include "partitions/rtos/arch/x86/options.h"
#include "partitions/rtos/include/rtos.h"

/* Creates the chosen application's tasks (called before rtos_start). */
void app_start(const struct options *o);

void selftest_start(void);
void latency_start(const struct options *o);
void rpctest_start(const struct options *o);
void rpcbench_start(const struct options *o);

/* rpcapp.c: serves sysinfo and echo when option rpc asks (auto: demo,
 * rpctest, rpcbench) and the hypervisor is there; prints what it did. */
void rpc_serve_start(const struct options *o);
int rpc_serving(void);
/* Binds "peer/module", retrying HV_ENOENT (peer not registered yet) for
 * wait_ms. */
int32_t rpc_bind_peer(const char *peer, const char *module, uint32_t version, uint32_t wait_ms);
struct vmrpc_sysinfo;
void rpc_say_sysinfo(const char *prefix, const struct vmrpc_sysinfo *si);
/* demo: the task calling the peer's sysinfo every heartbeat period. */
void rpc_demo_start(const struct options *o);

/* netdemo.c: option net_udp=PORT (as a partition): the latency report
 * task, one UDP datagram per heartbeat period through PEER/net. */
void net_demo_start(const struct options *o);

/* fieldbus.c: option nic=pnic: finds the pseudo-NIC on PCI bus 0 and
 * starts the cyclic sender (and its reporter); says why when it cannot. */
void fieldbus_start(const struct options *o);

/* rtos_task_create with a fresh APP_STACK_SIZE stack from a static pool
 * (never reused: a task that has exited may still be on its stack while
 * the kernel switches away). Powers off if the pool or the kernel's task
 * table is exhausted. */
#define APP_STACK_SIZE 4096
rtos_task_t *app_spawn(const char *name, rtos_entry_t entry, void *arg, unsigned priority);

#endif
