/* Internals shared by the kernel's files. Freestanding C11: no libc, no
 * libgcc (the i386 build links neither), hence the rtos_mem* and
 * rtos_udiv64 helpers. Every rk_* function runs with interrupts masked. */
#ifndef RTOS_KERNEL_H
#define RTOS_KERNEL_H

#include "../include/rtos.h"
#include "../port.h"

#define RK_IDLE_PRIO (RTOS_PRIORITIES - 1)
#ifndef RK_IDLE_STACK_SIZE
#define RK_IDLE_STACK_SIZE 4096 /* an ISR frame, a context switch, and the idle hook's calls */
#endif

enum rk_state {
    TASK_FREE = 0, /* an unused slot (zeroed memory is free) */
    TASK_READY,    /* in a ready queue */
    TASK_RUNNING,  /* rk.current, in no queue */
    TASK_BLOCKED,  /* on a wait list, the sleep list, both, or (forever) neither */
};

struct rtos_task {
    port_context_t ctx;
    rtos_entry_t entry;
    void *arg;
    uint8_t state;
    uint8_t base_prio; /* as created */
    uint8_t prio;      /* effective: base_prio, or higher through mutexes */
    bool sleeping;     /* on the sleep list, until `deadline` */
    struct rtos_task *rq_next;        /* ready queue */
    struct rtos_wait_list *wait_list; /* the wait list it is on, or NULL */
    struct rtos_task *wait_next;
    rtos_mutex_t *wait_mutex; /* the mutex it waits for: inheritance chains */
    void *wait_msg;           /* queue waits: the message to fill or to take */
    int wait_result;          /* set by whoever wakes it */
    struct rtos_task *sleep_next;
    rtos_tick_t deadline;
    char name[RTOS_NAME_MAX];
};

/* All kernel state, in one place so that tests can reset it. */
struct rk_kernel {
    struct rtos_task tasks[RTOS_MAX_TASKS];
    struct rtos_task idle; /* not in the table: applications get all slots */
    struct rtos_task *current;
    struct {
        struct rtos_task *head, *tail;
    } ready[RTOS_PRIORITIES];
    uint32_t ready_bits;          /* bit p: ready[p] is non-empty */
    struct rtos_task *sleep_head; /* by deadline, FIFO among equals */
    struct rtos_stats stats;
    rtos_tick_t idle_since; /* when idle last got the CPU */
    rtos_idle_hook_t idle_hook; /* NULL: idle halts */
    unsigned isr_nesting;
    bool started;
};
extern struct rk_kernel rk;

/* Forgets every task and counter (host tests; bare metal starts zeroed). */
void rtos_kernel_reset(void);

/* sched.c */
void rk_ready(struct rtos_task *t);                  /* append to its ready queue */
void rk_switch(void);                                /* current left RUNNING: run the best ready task */
void rk_preempt(void);                               /* switch if a ready task outranks current (deferred in ISRs) */
void rk_set_prio(struct rtos_task *t, unsigned prio); /* re-queues t where it waits */

/* wait.c */
void rk_wait_insert(struct rtos_wait_list *wl, struct rtos_task *t);
void rk_wait_remove(struct rtos_task *t);
int rk_wait(struct rtos_wait_list *wl, rtos_tick_t deadline); /* blocks current; its wait_result */
void rk_wake(struct rtos_task *t, int result);                /* off every list, ready, no switch */
bool rk_expired(rtos_tick_t deadline);

/* time.c */
void rk_sleep_insert(struct rtos_task *t, rtos_tick_t deadline);
void rk_sleep_remove(struct rtos_task *t);

/* mutex.c */
void rk_inherit(struct rtos_task *t); /* recompute t's priority and along its owner chain */

/* lib.c */
void rtos_memcpy(void *dst, const void *src, size_t n);
void rtos_memset(void *dst, int c, size_t n);
uint64_t rtos_udiv64(uint64_t n, uint64_t d, uint64_t *rem);

#endif
