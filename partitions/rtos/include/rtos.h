/* The in-tree RTOS: application API.
 *
 * Fixed-priority preemptive scheduling with RTOS_PRIORITIES levels
 * (0 = highest); tasks of equal priority run first-in first-out (a task
 * keeps the CPU until it blocks, sleeps or yields). Time is the TSC: every
 * deadline is an absolute TSC value, so periodic tasks never drift. The
 * kernel is tick-less: one hardware timer (x2APIC TSC-deadline, or an HPET
 * comparator) is programmed for the earliest deadline only.
 *
 * All calls are for task context unless marked "ISR-safe". */
#ifndef RTOS_H
#define RTOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTOS_PRIORITIES 32
#define RTOS_MAX_TASKS 32
#define RTOS_NAME_MAX 16

typedef uint64_t rtos_tick_t; /* TSC ticks */

enum rtos_status {
    RTOS_OK = 0,
    RTOS_TIMEOUT = -1,  /* the deadline passed first */
    RTOS_EINVAL = -2,   /* bad argument */
    RTOS_ENOMEM = -3,   /* no free task slot */
    RTOS_EFULL = -4,    /* queue full (non-blocking put) */
    RTOS_EEMPTY = -5,   /* queue empty / semaphore zero (non-blocking) */
    RTOS_EPERM = -6,    /* mutex not held by the caller */
};

#define RTOS_NO_WAIT 0ull       /* timeout: fail at once */
#define RTOS_FOREVER (~0ull)    /* deadline: never */

typedef struct rtos_task rtos_task_t;
typedef void (*rtos_entry_t)(void *arg);

/* Tasks. The stack is the caller's (static arrays are typical). */
rtos_task_t *rtos_task_create(const char *name, rtos_entry_t entry, void *arg, unsigned priority, void *stack,
                              size_t stack_size);
rtos_task_t *rtos_task_self(void);
const char *rtos_task_name(const rtos_task_t *t);
unsigned rtos_task_priority(const rtos_task_t *t); /* effective (with inheritance) */
void rtos_yield(void);
void rtos_task_exit(void);

/* Time. */
rtos_tick_t rtos_now(void);
uint64_t rtos_tsc_hz(void);
rtos_tick_t rtos_us_to_ticks(uint64_t us);
/* Sleeps until the TSC reaches `deadline`; returns at once if it passed. */
void rtos_sleep_until(rtos_tick_t deadline);
void rtos_sleep_us(uint64_t us);
/* The earliest deadline the timer is armed for (a sleeping or timed-out
 * task's), RTOS_FOREVER if none. ISR-safe. Code about to make the CPU
 * unable to take interrupts for a while (a VM exit) checks it first. */
rtos_tick_t rtos_next_deadline(void);

/* Periodic tasks: call rtos_period_wait() at the end of each cycle;
 * returns the number of periods missed (0 normally), which the kernel
 * also counts as deadline misses (rtos_stats). */
struct rtos_period {
    rtos_tick_t next;
    rtos_tick_t period;
};
void rtos_period_init(struct rtos_period *p, uint64_t period_us);
uint32_t rtos_period_wait(struct rtos_period *p);

/* Counting semaphores. give is ISR-safe. */
typedef struct {
    uint32_t count;
    struct rtos_wait_list { rtos_task_t *head; } waiters;
} rtos_sem_t;
void rtos_sem_init(rtos_sem_t *s, uint32_t initial);
int rtos_sem_take(rtos_sem_t *s, rtos_tick_t deadline); /* RTOS_OK, RTOS_TIMEOUT, RTOS_EEMPTY (deadline 0) */
void rtos_sem_give(rtos_sem_t *s);

/* Mutexes with priority inheritance (transitive through chains of
 * owners); not recursive; not for ISRs. */
typedef struct {
    rtos_task_t *owner;
    struct rtos_wait_list waiters;
} rtos_mutex_t;
void rtos_mutex_init(rtos_mutex_t *m);
int rtos_mutex_lock(rtos_mutex_t *m, rtos_tick_t deadline);
int rtos_mutex_unlock(rtos_mutex_t *m);

/* Message queues of fixed-size messages in caller-provided storage. put
 * with deadline RTOS_NO_WAIT is ISR-safe. */
typedef struct {
    uint8_t *buf;
    uint32_t msg_size, capacity, head, count;
    uint32_t overflows; /* non-blocking puts refused because full */
    struct rtos_wait_list readers, writers;
} rtos_queue_t;
int rtos_queue_init(rtos_queue_t *q, void *storage, uint32_t msg_size, uint32_t capacity);
int rtos_queue_put(rtos_queue_t *q, const void *msg, rtos_tick_t deadline);
int rtos_queue_get(rtos_queue_t *q, void *msg, rtos_tick_t deadline);

/* Health. */
struct rtos_stats {
    uint64_t context_switches;
    uint64_t timer_interrupts;
    uint64_t deadline_misses;
    uint64_t idle_ticks;
};
void rtos_get_stats(struct rtos_stats *out);
/* Tasks that exist now, the idle task included. */
uint32_t rtos_task_count(void);

/* The idle hook. Without one, the idle task halts the CPU (HLT) until an
 * interrupt. With one, it never halts: it calls the hook over and over
 * with interrupts ENABLED, for as long as no other task is ready. The hook
 * runs in the idle task, so it must never block (no semaphore takes, no
 * sleeps, no other kernel call that waits): it is background work that
 * any interrupt and any task preempts at once. Used for VMRPC polling
 * (VMRPC_RECV_POLL) and to keep the CPU running (option idle=poll). NULL
 * restores halting. Callable from any context. */
typedef void (*rtos_idle_hook_t)(void);
void rtos_set_idle_hook(rtos_idle_hook_t hook);
rtos_idle_hook_t rtos_get_idle_hook(void);
/* True when the caller runs in the idle task (in its hook). */
bool rtos_in_idle(void);

/* Starts scheduling; never returns. Call after creating the first tasks. */
void rtos_start(void);

#endif
