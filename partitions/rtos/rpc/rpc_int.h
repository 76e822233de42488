/* Internals of the RTOS's VMRPC library (include/rtos_rpc.h). The pure
 * decisions (logic.c) are apart so that host unit tests check them
 * without a hypervisor. */
#ifndef RTOS_RPC_INT_H
#define RTOS_RPC_INT_H

#include "partitions/common/vmrpc_hc.h"
#include "partitions/rtos/include/rtos_rpc.h"
#include "partitions/rtos/port.h"

/* ------------------------------------------------------------ logic.c */

/* Index of the first slot in state VMRPC_SLOT_REQUEST, looking at
 * start, start+1, ... cyclically (round robin between clients); -1 if
 * none. */
int rpc_ring_find(const void *ring, uint32_t slot_size, uint32_t count, uint32_t start);

/* The guard window: 0 when a hypercall may start at `now`, the earliest
 * armed deadline being `next` (RTOS_FOREVER: none); otherwise the TSC
 * value to sleep until first: just after that deadline, so its interrupt
 * has been taken and its task has run (if it outranks the caller). */
rtos_tick_t rpc_guard_until(rtos_tick_t now, rtos_tick_t next, rtos_tick_t guard);

/* What the handler may write: the caller's buffer or the slot's data
 * area, whichever is smaller. */
uint32_t rpc_resp_cap(uint32_t slot_size, uint32_t caller_cap);

/* A handler's result as HC_RPC_REPLY's status and length: a length over
 * the cap is the handler's bug and becomes HV_EMSGSIZE. */
void rpc_reply_args(int32_t result, uint32_t cap, int32_t *status, uint32_t *len);

/* Busy share in permille of the span since *prev_now, given the idle
 * ticks counter; updates the *prev_* pair. A span of 0 reports 0. */
uint32_t rpc_load_permille(rtos_tick_t now, uint64_t idle, rtos_tick_t *prev_now, uint64_t *prev_idle);

/* ticks -> microseconds at hz, without overflow for any uptime. */
uint64_t rpc_ticks_to_us(uint64_t ticks, uint64_t hz);

/* ------------------------------------------------- guard.c (shared) */

extern struct rtos_rpc_stats rpc_stats;

/* Masks interrupts once the guard window allows a hypercall (sleeping
 * past a close deadline first); the caller makes its VMCALL and then
 * restores the returned state. Before rtos_start (no deadlines, no
 * tasks) it only masks. */
port_irq_state_t rpc_guard_enter(void);

/* Without waiting: masks interrupts and returns true when the guard
 * window allows a hypercall now (the caller makes it, then restores *s);
 * otherwise restores at once and returns false (try again later). For
 * the idle task's poll server, which must not block. */
bool rpc_guard_try(port_irq_state_t *s);

/* server.c / client.c, from rtos_rpc_isr and rtos_rpc_init */
void rpc_server_isr(void);
void rpc_client_isr(void);
void rpc_server_reset(void);
void rpc_client_reset(void);
void rpc_modules_reset(void);

#endif
