/* hv/spinlock.h: the ticket lock excludes, serves waiters in the order
 * they came (FIFO), refuses trylock while anyone holds or waits, and
 * spin_lock_until gives up at its deadline. Host threads stand for CPUs. */
#include <pthread.h>
#include <sched.h>

#include "hv/spinlock.h"
#include "unit.h"

/* Few threads and rounds: a ticket lock convoys when its waiters
 * outnumber free host cores (a preempted next-in-line stalls the rest). */
#define THREADS 3
#define ROUNDS 20000

static spinlock_t lock;
static uint64_t counter; /* guarded by lock, deliberately not atomic */

static void *hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        spin_lock(&lock);
        counter++;
        spin_unlock(&lock);
        if (i % 64 == 0)
            sched_yield();
    }
    return NULL;
}

TEST(spinlock_mutual_exclusion)
{
    spin_init(&lock);
    counter = 0;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK_EQ(pthread_create(&t[i], NULL, hammer, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ(counter, (uint64_t)THREADS * ROUNDS);
    CHECK(!spin_is_locked(&lock));
}

/* Waiters record the order in which they got the lock. */
static uint32_t order[THREADS];
static uint32_t served;

static void *waiter(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg;
    spin_lock(&lock);
    order[served++] = id;
    spin_unlock(&lock);
    return NULL;
}

/* Waits until n tickets have been taken: the last waiter has queued. */
static void wait_queued(uint32_t n)
{
    while (__atomic_load_n(&lock.next, __ATOMIC_ACQUIRE) != n)
        sched_yield();
}

TEST(spinlock_fifo_order)
{
    spin_init(&lock);
    served = 0;
    spin_lock(&lock); /* ticket 0: the waiters queue behind us one by one */
    pthread_t t[THREADS];
    for (uint32_t i = 0; i < THREADS; i++) {
        CHECK_EQ(pthread_create(&t[i], NULL, waiter, (void *)(uintptr_t)i), 0);
        wait_queued(i + 2);
    }
    CHECK(!spin_trylock(&lock)); /* held, and waiters queued */
    spin_unlock(&lock);
    for (uint32_t i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ(served, THREADS);
    for (uint32_t i = 0; i < THREADS; i++)
        CHECK_EQ(order[i], i); /* a test-and-set lock lets any waiter win */
    CHECK(!spin_is_locked(&lock));
}

TEST(spinlock_trylock)
{
    spin_init(&lock);
    CHECK(spin_trylock(&lock));
    CHECK(spin_is_locked(&lock));
    CHECK(!spin_trylock(&lock));
    spin_unlock(&lock);
    CHECK(!spin_is_locked(&lock));
    CHECK(spin_trylock(&lock));
    spin_unlock(&lock);
    CHECK(!spin_is_locked(&lock));
}

TEST(spinlock_lock_until_gives_up)
{
    spin_init(&lock);
    CHECK(spin_lock_until(&lock, __builtin_ia32_rdtsc() + 1000000)); /* free: taken */
    CHECK(!spin_lock_until(&lock, __builtin_ia32_rdtsc() + 1000000)); /* held: gives up */
    spin_unlock(&lock); /* the lock now comes to the abandoned ticket: nobody gets it */
    CHECK(spin_is_locked(&lock));
    CHECK(!spin_trylock(&lock));
    spin_init(&lock);
}

/* The counters wrap: 2^32 tickets later the lock still works. */
TEST(spinlock_ticket_wrap)
{
    spin_init(&lock);
    lock.next = lock.owner = 0xFFFFFFFEu;
    for (int i = 0; i < 4; i++) {
        spin_lock(&lock);
        CHECK(spin_is_locked(&lock));
        spin_unlock(&lock);
    }
    CHECK(!spin_is_locked(&lock));
    CHECK_EQ(lock.owner, 2u);
}
