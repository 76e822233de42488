/* The in-tree RTOS: VMRPC (procedure calls between partitions and event
 * queues, include/vmrpc_abi.h) for RTOS tasks.
 *
 * The rule everything here follows: an RPC never delays a task of higher
 * priority than the one doing it.
 * - A served module is an ordinary task at the priority the application
 *   chooses; it is preemptible while it handles a request.
 * - Every hypercall is a VM exit, during which the CPU cannot take its
 *   timer interrupt. So before entering the hypervisor, the library
 *   checks the earliest armed timer deadline (rtos_next_deadline()): if
 *   it is closer than the guard window (rtos_rpc_set_guard), the task
 *   sleeps until just after that deadline first. The check and the
 *   VMCALL run with interrupts masked, so nothing moves the deadline in
 *   between.
 * - A client call (rtos_rpc_call) blocks only the calling task, on a
 *   completion interrupt; the rest of the RTOS keeps running, and several
 *   tasks may have calls outstanding at once.
 *
 * Receive modes of a served module:
 * - VMRPC_RECV_DOORBELL (the default): the module's ring of slots is in
 *   RTOS RAM; the hypervisor copies a request into a free slot and sends
 *   the partition's rpc_vector as a fixed IPI straight to this CPU's
 *   local APIC (no VM exit). The interrupt handler (rtos_rpc_isr) only
 *   wakes the server task; the task answers each slot in state
 *   VMRPC_SLOT_REQUEST: a synchronous caller's without a VM exit (status,
 *   resp_len, then state VMRPC_SLOT_REPLIED: the caller's CPU collects
 *   it), an asynchronous caller's with HC_RPC_REPLY (behind the guard).
 * - VMRPC_RECV_WAIT: the server task parks in HC_RPC_WAIT
 *   (reply-and-wait). Costs latency: while it waits the CPU sits in the
 *   hypervisor, and an interrupt arriving then is taken only when the
 *   hypervisor notices it and returns HV_EINTR. The task is always ready,
 *   so nothing below its priority ever runs: give it the lowest priority
 *   (RTOS_PRIORITIES - 1, the idle task's, which then yields to it).
 * - VMRPC_RECV_POLL: like the doorbell without the IPI, and without a
 *   task: the idle task serves, through its hook (rtos_rpc_poll,
 *   installed by rtos_rpc_serve), only when every task is blocked, with
 *   interrupts enabled and no kernel call on the path (no semaphore, no
 *   context switch, no masked section): serving never delays any task nor
 *   any interrupt. Synchronous callers are answered without an exit;
 *   asynchronous ones with HC_RPC_REPLY only when the guard window allows,
 *   else on a later poll. The CPU never halts while a module polls, and a
 *   request waits while tasks keep the CPU busy. The handler runs in the
 *   idle task: it must never block (a hypercall through
 *   rtos_rpc_hv_enter is fine: in idle it spins, interrupts open, past a
 *   close deadline instead of sleeping).
 *
 * Errors are the ABI's negative HV_E* codes (vmrpc_strerror names them).
 * All calls are for task context unless marked otherwise. */
#ifndef RTOS_RPC_H
#define RTOS_RPC_H

#include "include/vmrpc_abi.h"
#include "rtos.h"

#define RTOS_RPC_MAX_SERVED 4    /* modules this partition serves */
#define RTOS_RPC_SLOTS 4         /* ring slots per served module: its queue length */
#define RTOS_RPC_MSG_MAX 4096    /* request/response bytes a served module takes */
#define RTOS_RPC_SLOT_SIZE (64 + RTOS_RPC_MSG_MAX)
#define RTOS_RPC_MAX_CALLS 8     /* asynchronous calls outstanding at once, all tasks */
#define RTOS_RPC_BOUNCE 4096     /* largest response of a call with a finite deadline */
#define RTOS_RPC_STACK 4096      /* each server task's stack */
#define RTOS_RPC_POLL_MS 1000    /* a doorbell server rescans its ring this often anyway */
/* Default guard window: a few thousand TSC ticks covers the hypervisor's
 * reply path (VM exit, copy of a response, VM entry) with room to spare. */
#define RTOS_RPC_GUARD_DEFAULT 5000

/* Resets the library (boot; host tests) and sets the guard window. */
void rtos_rpc_init(rtos_tick_t guard_ticks);
void rtos_rpc_set_guard(rtos_tick_t guard_ticks);
rtos_tick_t rtos_rpc_guard(void);

/* For the application's own hypercalls (HC_EXIT_STATS ...): waits for
 * the guard window and masks interrupts; make the VMCALL, then pass the
 * returned state to rtos_rpc_hv_exit. */
uint32_t rtos_rpc_hv_enter(void);
void rtos_rpc_hv_exit(uint32_t state);

/* ------------------------------------------------------------- server */

/* One request, as the handler sees it. data is the slot's data area:
 * the response is written over the request (resp == data), so read what
 * you need before writing. */
struct rtos_rpc_request {
    uint32_t proc;      /* < the module's proc_count (the hypervisor checks) */
    uint32_t len;       /* request bytes in data */
    uint32_t client_id; /* partition id of the caller */
    uint32_t seq;       /* calls delivered to this module so far */
    uint8_t *data;
};

/* Writes at most resp_cap bytes to resp; returns the response length, or
 * a negative HV_E* that the caller gets instead (HV_EINVAL for an
 * unknown procedure, by convention). Runs in the server task. */
typedef int32_t (*rtos_rpc_handler_t)(void *ctx, const struct rtos_rpc_request *rq, void *resp, uint32_t resp_cap);

/* Registers module `name` (HC_RPC_REGISTER: the partition's config must
 * list it in rpc_serve) with a ring of RTOS_RPC_SLOTS slots and creates
 * its server task at `priority`. Returns the module's descriptor (for the
 * event-queue calls), or a negative HV_E* (HV_ENOSYS without the
 * hypervisor, HV_ENOMEM when RTOS_RPC_MAX_SERVED are served or the
 * kernel has no task slot). */
int32_t rtos_rpc_serve(const char *name, uint32_t version, uint32_t proc_count, rtos_rpc_handler_t handler, void *ctx,
                       unsigned priority, enum vmrpc_recv_mode mode);

/* Poll mode's server: serves every VMRPC_RECV_POLL module's waiting
 * requests and sends pending asynchronous replies. The idle hook
 * (rtos_set_idle_hook) that rtos_rpc_serve installs for a poll module;
 * an application with an idle hook of its own installs that after
 * serving and calls this from it. Idle task only (it never blocks). */
void rtos_rpc_poll(void);

/* The descriptor of a module this partition serves, HV_ENOENT if none. */
int32_t rtos_rpc_served_desc(const char *name);

/* Unregisters (pending and later calls get HV_EPIPE); its task ends. */
int32_t rtos_rpc_unserve(int32_t desc);

/* The doorbell / completion interrupt's handler (rpc_vector), ISR-safe:
 * wakes the server task of each doorbell module with a request waiting
 * and the task of each asynchronous call completed. The port's interrupt
 * entry sends the EOI and brackets it with rtos_isr_enter/exit. */
void rtos_rpc_isr(void);

/* ------------------------------------------------------------- client */

/* "partition/module" (the config must list it in rpc_bind) -> descriptor. */
int32_t rtos_rpc_bind(const char *name, uint32_t version);
int32_t rtos_rpc_unbind(int32_t desc);

/* Calls procedure `proc` with HC_RPC_CALL_ASYNC and blocks the calling
 * task alone until the completion interrupt. Returns the response length
 * (bytes written to resp), or a negative HV_E*: HV_EBUSY when the
 * server's ring is full (retry later), HV_ETIMEDOUT when `deadline` (an
 * absolute TSC value, or RTOS_FOREVER) passed first. With RTOS_FOREVER
 * the hypervisor writes the response straight into resp; with a finite
 * deadline into a buffer of the library's (copied on success: resp_cap
 * at most RTOS_RPC_BOUNCE), so that a late completion of an abandoned
 * call never writes into memory the caller has reused. */
int32_t rtos_rpc_call(int32_t desc, uint32_t proc, const void *req, uint32_t req_len, void *resp, uint32_t resp_cap,
                      rtos_tick_t deadline);

/* The same with HC_RPC_CALL: the whole CPU waits in the hypervisor until
 * the server answers (at most VMRPC_SYNC_TIMEOUT_MS): no task, no
 * interrupt, no timer runs meanwhile. For benchmarks and for comparison
 * only; never in a system with deadlines. */
int32_t rtos_rpc_call_sync(int32_t desc, uint32_t proc, const void *req, uint32_t req_len, void *resp,
                           uint32_t resp_cap);

/* --------------------------------------------------------- event queues */

/* On a module this partition serves (its descriptor from rtos_rpc_serve):
 * a queue of `capacity` 32-byte events; returns the queue number. Both
 * the server and its bound clients may put and get. */
int32_t rtos_rpc_evq_create(int32_t desc, uint32_t capacity);
int32_t rtos_rpc_evq_delete(int32_t desc, uint32_t queue);
/* Non-blocking: HV_EBUSY when full (the next event got reports it). */
int32_t rtos_rpc_evq_put(int32_t desc, uint32_t queue, const struct vmrpc_event *ev);
/* Polls (HC_EVQ_GET with timeout 0, so the CPU never waits in the
 * hypervisor), sleeping RTOS_RPC_EVQ_POLL_US between tries, until an event
 * comes or `deadline` passes (HV_EAGAIN; RTOS_NO_WAIT polls once). */
#define RTOS_RPC_EVQ_POLL_US 1000
int32_t rtos_rpc_evq_get(int32_t desc, uint32_t queue, struct vmrpc_event *ev, rtos_tick_t deadline);
int32_t rtos_rpc_evq_info(int32_t desc, uint32_t queue, struct vmrpc_evq_info *info);

/* ------------------------------------------------- the standard modules */

/* What sysinfo reports that only the platform knows. */
struct rtos_rpc_platform {
    const char *os_name;  /* "rtos" */
    uint64_t mem_total;   /* partition RAM, bytes (multiboot memory map) */
    uint64_t mem_used;    /* the image (code, data, every task stack and ring) */
    rtos_tick_t boot_tsc; /* uptime counts from here */
    /* This CPU's hv_exit_stats total and root_ticks (HC_EXIT_STATS); 0 or
     * a negative HV_E*. */
    int32_t (*exit_stats)(uint64_t *exits, uint64_t *root_ticks);
};

/* Serves VMRPC_SYSINFO and VMRPC_ECHO (include/vmrpc_abi.h) with tasks at
 * `priority`. With VMRPC_RECV_POLL both poll (from the idle task; no
 * priority). With VMRPC_RECV_WAIT only echo waits, at the idle priority;
 * sysinfo keeps the doorbell (two modules parked in HC_RPC_WAIT on one
 * CPU would take turns only at interrupts). Returns 0 or the first error
 * (the module that failed is named in *failed). */
int32_t rtos_rpc_serve_standard(const struct rtos_rpc_platform *p, unsigned priority, enum vmrpc_recv_mode mode,
                                const char **failed);

/* One timer-interrupt -> task latency sample (TSC ticks), from a latency
 * measurement: sysinfo then reports has_latency 1 with min/avg/max. */
void rtos_rpc_note_latency(uint64_t ticks);

/* The figures sysinfo reports from those samples (all 0 while none). */
struct rtos_rpc_latency {
    uint32_t samples;
    uint64_t min_ticks, avg_ticks, max_ticks;
};
void rtos_rpc_get_latency(struct rtos_rpc_latency *out);

/* Counters, for reports and tests. */
struct rtos_rpc_stats {
    uint64_t served;      /* requests answered (server tasks, poll server) */
    uint64_t exit_free_replies; /* of which without a VM exit (synchronous callers) */
    uint64_t guard_waits; /* times a task slept past a deadline before a hypercall
                           * (poll mode: an asynchronous reply deferred to a later poll) */
    uint64_t eintr;       /* HC_RPC_WAIT returns with HV_EINTR */
    uint64_t doorbells;   /* rtos_rpc_isr calls that woke a server */
    uint64_t completions; /* asynchronous calls completed */
    uint64_t reply_errors;
};
void rtos_rpc_get_stats(struct rtos_rpc_stats *out);

#endif
