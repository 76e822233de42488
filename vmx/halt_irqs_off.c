/* Which HLT with interrupts disabled ends a partition (halt_irqs_off.h).
 * A CPU is "halted for good" while its exit count is the one it had at
 * that HLT exit: any exit since (the NMI that woke it, an INIT) means it
 * ran again. Counts are read from the other CPU's statistics, which only
 * their own CPU writes: each word is read atomically, and a count that
 * moved on is enough to tell. */
#include "vmx/halt_irqs_off.h"

#include "hv/partition.h"
#include "hv/percpu.h"

/* Per physical CPU: 1 + its exit count at its last HLT with IF = 0, or 0. */
static uint64_t halted_at[HV_MAX_CPUS];

static uint64_t exits_so_far(const struct vcpu *v)
{
    uint64_t n = 0;
    for (uint32_t r = 0; r < HV_EXIT_REASONS; r++)
        n += __atomic_load_n(&v->stats.by_reason[r], __ATOMIC_RELAXED);
    return n;
}

static bool halted_for_good(const struct vcpu *s)
{
    return __atomic_load_n(&halted_at[s->cpu], __ATOMIC_SEQ_CST) == exits_so_far(s) + 1;
}

bool halt_irqs_off_ends_partition(struct vcpu *v)
{
    struct partition *p = v->partition;
    __atomic_store_n(&halted_at[v->cpu], exits_so_far(v) + 1, __ATOMIC_SEQ_CST);
    for (uint32_t k = 0; k < p->cpu_count; k++) {
        if (p->cpus[k] == v->cpu || p->waiting_for_sipi[k])
            continue;
        const struct vcpu *s = __atomic_load_n(&p->vcpus[k], __ATOMIC_ACQUIRE);
        if (!s || !halted_for_good(s))
            return false; /* it runs (or is about to enter) */
    }
    return true;
}
