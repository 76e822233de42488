/* The console's line lock (partitions/common/console.h): a spinlock
 * across CPUs (smp). Interrupts are masked while a line is printed, so
 * that an interrupt handler (VMRPC: irq.c, rpc_serve.c) may print without
 * splitting a line of the code it interrupted; without VMRPC options IF
 * is 0 throughout anyway. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/test/smp.h"

/* 0 = free, else owner index + 1. */
static volatile uint32_t print_owner;

#define HELD_TAKEN 1u /* we took the lock: release it */
#define HELD_IF 2u    /* IF was 1: set it again */

static uint32_t irq_save(void)
{
    uint32_t flags;
    __asm__ __volatile__("pushfl; popl %0; cli" : "=r"(flags) : : "memory");
    return flags & EFLAGS_IF;
}

/* An exception or NMI inside a line on the CPU that holds the lock must
 * still print, not deadlock: the nested line goes out unlocked. */
uint32_t console_line_lock(void)
{
    uint32_t held = HELD_TAKEN | (irq_save() ? HELD_IF : 0);
    uint32_t me = (uint32_t)smp_cpu_index() + 1;
    if (print_owner == me)
        return held & HELD_IF; /* not taken here; IF was 0 anyway */
    uint32_t expected = 0;
    while (!__atomic_compare_exchange_n(&print_owner, &expected, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        expected = 0;
        cpu_relax();
    }
    return held;
}

void console_line_unlock(uint32_t held)
{
    if (held & HELD_TAKEN)
        __atomic_store_n(&print_owner, 0, __ATOMIC_RELEASE);
    if (held & HELD_IF)
        __asm__ __volatile__("sti" ::: "memory");
}
