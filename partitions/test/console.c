/* The console's line lock (partitions/common/console.h): a spinlock
 * across CPUs (smp), interrupts being off throughout this kernel. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/test/smp.h"

/* 0 = free, else owner index + 1. */
static volatile uint32_t print_owner;

/* An exception or NMI inside a line on the CPU that holds the lock must
 * still print, not deadlock: the nested line goes out unlocked. */
uint32_t console_line_lock(void)
{
    uint32_t me = (uint32_t)smp_cpu_index() + 1;
    if (print_owner == me)
        return 0;
    uint32_t expected = 0;
    while (!__atomic_compare_exchange_n(&print_owner, &expected, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        expected = 0;
        cpu_relax();
    }
    return 1;
}

void console_line_unlock(uint32_t taken)
{
    if (taken)
        __atomic_store_n(&print_owner, 0, __ATOMIC_RELEASE);
}
