/* VMRPC on the i386 port: the interrupt vector, the guard window and the
 * facts sysinfo reports (partitions/rtos/include/rtos_rpc.h). */
#ifndef RTOS_X86_RPC_H
#define RTOS_X86_RPC_H

#include "partitions/common/multiboot.h"
#include "partitions/rtos/arch/x86/options.h"
#include "partitions/rtos/include/rtos_rpc.h"

/* Installs isr_rpc at o->rpc_vector, sets the guard window (rpc_guard_us,
 * else RTOS_RPC_GUARD_DEFAULT ticks) and reads the partition's RAM from
 * the multiboot memory map. After timer_init (the TSC rate). */
void rpc_port_init(const struct options *o, const struct mb_info *mbi, uint64_t boot_tsc);

/* For rtos_rpc_serve_standard. */
const struct rtos_rpc_platform *rpc_port_platform(void);

/* HC_EXIT_STATS of this CPU: total and root_ticks. */
int32_t rpc_port_exit_stats(uint64_t *exits, uint64_t *root_ticks);

#endif
