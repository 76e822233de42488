/* Waiting in root mode for another partition (a reply, a request, an
 * event). Each partition owns its CPUs outright, so a waiting CPU has
 * nothing else to run: it spins with PAUSE, and gives up when its own
 * partition is being stopped, when an interrupt or an NMI is pending for its guest
 * (if the wait may be interrupted), or at the deadline. */
#include "rpc/rpc_arch.h"
#include "rpc/rpc_internal.h"

uint64_t rpc_deadline_us(uint64_t us) { return rpc_arch_now() + us * rpc_arch_ticks_per_us(); }

/* deadline 0 and timeout_us > 0: the deadline is timeout_us from the
 * start of the wait, computed once the wait has begun (the time a
 * caller spends waiting is not the hypervisor's cost: root_ticks). */
static int wait_until(const struct rpc_caller *c, bool (*ready)(void *ctx), void *ctx, uint64_t deadline,
                      uint64_t timeout_us, bool interruptible)
{
    uint64_t start = rpc_arch_now();
    int result = 0;
    if (timeout_us)
        deadline = start + timeout_us * rpc_arch_ticks_per_us();
    while (!ready(ctx)) {
        if (__atomic_load_n(&c->p->state, __ATOMIC_ACQUIRE) == PART_STOPPED) {
            result = HV_EPIPE;
            break;
        }
        if (interruptible && ((c->nmi_pending && *c->nmi_pending) || rpc_arch_irq_pending())) {
            result = HV_EINTR;
            break;
        }
        if (deadline && rpc_arch_now() >= deadline) {
            result = HV_ETIMEDOUT;
            break;
        }
        rpc_arch_relax();
    }
    if (c->wait_ticks)
        *c->wait_ticks += rpc_arch_now() - start;
    return result;
}

int rpc_wait(const struct rpc_caller *c, bool (*ready)(void *ctx), void *ctx, uint64_t deadline, bool interruptible)
{
    return wait_until(c, ready, ctx, deadline, 0, interruptible);
}

int rpc_wait_us(const struct rpc_caller *c, bool (*ready)(void *ctx), void *ctx, uint64_t timeout_us,
                bool interruptible)
{
    return wait_until(c, ready, ctx, 0, timeout_us, interruptible);
}
