/* VMRPC in the test kernel (options rpc_*, README.md): the standard
 * modules served (rpc_serve.c), the client test sequence (rpc_client.c)
 * and the benchmarks (rpc_bench.c), on the library in partitions/gp-os. */
#ifndef TESTPART_RPC_H
#define TESTPART_RPC_H

#include "include/vmrpc_abi.h"
#include "partitions/test/options.h"

/* What the hypervisor asks of every structure handed to it (i386 aligns
 * uint64_t members to 4 only). */
#define ABI_ALIGNED __attribute__((aligned(8)))

struct rpc_env {
    const struct options *opt;
    uint64_t ram_end;   /* end of the partition's RAM (guest-physical, it starts at 0) */
    uint64_t mem_total; /* usable bytes in the multiboot memory map */
    uint64_t boot_tsc;  /* TSC at kmain */
};

/* Any rpc_serve, rpc_call or rpc_bench option given. */
int rpc_wanted(const struct options *o);

/* Sets up interrupts (IF = 1 from here on), then registers sysinfo and
 * echo if rpc_serve asks. Prints what it did. -1 without a hypervisor
 * (nothing done), else 0. */
int rpc_start(const struct rpc_env *env);

/* 1 once rpc_start registered at least one module. */
int rpc_serving(void);

/* Serves (halting between doorbells, or parked in HC_RPC_WAIT) and drains
 * the event queue until the TSC reaches deadline; forever: never returns. */
void rpc_idle_until(uint64_t deadline);
__attribute__((noreturn)) void rpc_idle_forever(void);

/* rpc_call=PARTITION: the client test sequence. */
void rpc_client_run(const struct rpc_env *env);

/* rpc_bench=PARTITION: the figures. */
void rpc_bench_run(const struct rpc_env *env);
/* rpc_load=PARTITION: synchronous VMRPC_ECHO_NULL calls to PARTITION/echo
 * forever, as fast as they complete; never returns. */
void rpc_load_run(const struct rpc_env *env);

/* Shared by client and bench. */

/* Waits (up to 10 s) for PARTITION/MODULE to be registered, then binds
 * it: descriptor or HV_E*, printing why it failed. */
int32_t rpc_wait_and_bind(const char *partition, const char *module, uint32_t version);

/* "EBUSY", "success" for r >= 0, "error" for unknown codes. */
const char *rpc_errname(int32_t r);

/* Waits with interrupts on until the rpc_vector interrupt count differs
 * from `since`, at most `ticks`: 1 if it did. */
int rpc_wait_irq(uint32_t since, uint64_t ticks);

#endif
