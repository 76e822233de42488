/* What the server and client halves share: the guard window before every
 * hypercall, the counters, reset, and the interrupt handler. */
#include "partitions/rtos/rpc/rpc_int.h"
#include "partitions/rtos/kernel/kernel.h"

struct rtos_rpc_stats rpc_stats;
static rtos_tick_t guard = RTOS_RPC_GUARD_DEFAULT;

void rtos_rpc_init(rtos_tick_t guard_ticks)
{
    rtos_memset(&rpc_stats, 0, sizeof rpc_stats);
    guard = guard_ticks;
    rpc_server_reset();
    rpc_client_reset();
    rpc_modules_reset();
}

void rtos_rpc_set_guard(rtos_tick_t guard_ticks) { guard = guard_ticks; }
rtos_tick_t rtos_rpc_guard(void) { return guard; }

/* Masked while checking, so that no interrupt (and no task it wakes)
 * moves the earliest deadline between the check and the VMCALL. When the
 * window is too short the task sleeps with interrupts open: the deadline's
 * interrupt is taken and its task runs first if it outranks this one. The
 * idle task (a poll server, its handlers) cannot sleep: it spins with
 * interrupts open instead, which for the lowest priority is the same. */
port_irq_state_t rpc_guard_enter(void)
{
    for (;;) {
        port_irq_state_t s = port_irq_save();
        if (!rk.started || rk.isr_nesting)
            return s;
        rtos_tick_t until = rpc_guard_until(port_now(), rtos_next_deadline(), guard);
        if (!until)
            return s;
        rpc_stats.guard_waits++;
        port_irq_restore(s);
        if (rtos_in_idle()) {
            while ((int64_t)(port_now() - until) < 0)
                __asm__ __volatile__("" ::: "memory");
        } else {
            rtos_sleep_until(until);
        }
    }
}

bool rpc_guard_try(port_irq_state_t *s)
{
    *s = port_irq_save();
    if (!rk.started || rk.isr_nesting || !rpc_guard_until(port_now(), rtos_next_deadline(), guard))
        return true;
    port_irq_restore(*s);
    return false;
}

uint32_t rtos_rpc_hv_enter(void) { return rpc_guard_enter(); }
void rtos_rpc_hv_exit(uint32_t state) { port_irq_restore(state); }

void rtos_rpc_isr(void)
{
    rpc_server_isr();
    rpc_client_isr();
}

void rtos_rpc_get_stats(struct rtos_rpc_stats *out)
{
    port_irq_state_t s = port_irq_save();
    *out = rpc_stats;
    port_irq_restore(s);
}
