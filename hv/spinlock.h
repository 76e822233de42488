/* Ticket spinlock: CPUs get the lock in the order they asked for it
 * (FIFO), so a CPU that takes a lock in a loop (a partition writing its
 * log, calling VMRPC) cannot starve another partition's CPU: a waiter is
 * served after at most one hold by each CPU queued before it. A
 * test-and-set lock gives no such bound: the releasing CPU, whose cache
 * already has the line, usually wins it again. The hypervisor runs with
 * interrupts off in root mode, so no interrupt masking is needed around
 * it. Also compiled on the host (tests/unit/test_spinlock.c). A
 * zero-filled lock is free. */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include "hv/types.h"

typedef struct {
    volatile uint32_t next;  /* the ticket the next arrival takes */
    volatile uint32_t owner; /* the ticket being served */
} spinlock_t;

static inline void spin_pause(void) { __asm__ __volatile__("pause" ::: "memory"); }

static inline void spin_lock(spinlock_t *l)
{
    uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
        spin_pause();
}

/* Takes the lock only if it is free and nobody is queued for it. */
static inline bool spin_trylock(spinlock_t *l)
{
    uint32_t owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
    uint32_t expected = owner;
    return __atomic_compare_exchange_n(&l->next, &expected, owner + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Only the holder writes owner: a plain increment, published with release. */
static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

/* spin_lock that gives up once the TSC passes deadline, for the panic
 * path, where the holder may be a CPU that died with it. True: taken.
 * False: not taken, and the ticket stays queued, so once the lock comes
 * to it nobody gets it again: use it only where the system is ending. */
static inline bool spin_lock_until(spinlock_t *l, uint64_t deadline)
{
    uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
        if (__builtin_ia32_rdtsc() >= deadline)
            return false;
        spin_pause();
    }
    return true;
}

/* True while somebody holds the lock or waits for it (tests, checks). */
static inline bool spin_is_locked(const spinlock_t *l)
{
    return __atomic_load_n(&l->next, __ATOMIC_RELAXED) != __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
}

/* Back to free, whoever held it: only where no CPU can use the lock
 * (a reset between host tests). */
static inline void spin_init(spinlock_t *l)
{
    __atomic_store_n(&l->next, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&l->owner, 0, __ATOMIC_RELEASE);
}

#endif
