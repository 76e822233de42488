/* The i386 implementation of partitions/rtos/port.h, the same bare metal
 * and as a partition: nothing here needs the hypervisor. */
#include "partitions/rtos/port.h"
#include "partitions/common/cpu.h"
#include "partitions/rtos/arch/x86/timer.h"

void port_task_start(void); /* switch.S */

port_irq_state_t port_irq_save(void)
{
    uint32_t flags;
    __asm__ __volatile__("pushfl; popl %0; cli" : "=r"(flags) : : "memory");
    return flags;
}

void port_irq_restore(port_irq_state_t s)
{
    if (s & EFLAGS_IF)
        __asm__ __volatile__("sti" ::: "memory");
}

uint64_t port_now(void) { return rdtsc(); }
uint64_t port_tsc_hz(void) { return timer_tsc_hz(); }
void port_timer_arm(uint64_t deadline) { timer_arm(deadline); }

/* The new stack, from its saved ESP up: EDI, ESI = arg, EBX = entry,
 * EBP = 0 (end of frame chain), return address = port_task_start; the
 * layout port_context_switch pops. */
void port_context_init(port_context_t *ctx, void *stack, size_t stack_size, void (*entry)(void *), void *arg)
{
    uint32_t *sp = (uint32_t *)(((uintptr_t)stack + stack_size) & ~(uintptr_t)15);
    sp -= 3; /* pad: the argument port_task_start pushes lands 16-byte aligned (i386 SysV ABI) */
    *--sp = (uint32_t)port_task_start;
    *--sp = 0;               /* EBP */
    *--sp = (uint32_t)entry; /* EBX */
    *--sp = (uint32_t)arg;   /* ESI */
    *--sp = 0;               /* EDI */
    ctx->sp = sp;
    ctx->host = 0;
}

/* STI's one-instruction shadow keeps an interrupt from arriving between it
 * and HLT (SDM Vol. 2B, STI), so a wakeup cannot be lost; HLT does not
 * exit under the hypervisor for this partition. */
void port_idle_wait(void) { __asm__ __volatile__("sti; hlt; cli" ::: "memory"); }
