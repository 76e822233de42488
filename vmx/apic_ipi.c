/* Guest IPIs: planned by apic_ipi_plan() (vmx/apic_ipi_check.c), then
 * delivered to the partition's own target CPUs one by one (fixed as real
 * IPIs, NMIs queued, INIT and SIPI emulated, see apic_ipi.h), or the
 * partition is stopped. */
#include "vmx/apic_ipi.h"

#include "arch/x86/cpu.h"
#include "arch/x86/extable.h"
#include "hv/console.h"
#include "hv/partition.h"
#include "hv/percpu.h"
#include "vmx/nmi.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

#define ICR_DELIVERY(icr) (((uint32_t)(icr) >> 8) & 7)
#define DM_NMI 4
#define DM_INIT 5
#define DM_STARTUP 6
#define SIPI_PENDING 0x100u
#define MSR_X2APIC_ICR 0x830
#define GP_LOG_LIMIT 4

static uint32_t gp_logged[HV_MAX_CPUS];

/* The hypervisor's own IPIs to a partition's CPUs (values it built). */
static void send_icr(uint64_t icr) { wrmsr(MSR_X2APIC_ICR, icr); }

static int my_slot(const struct vcpu *v) { return partition_cpu_slot(v->partition, v->apic_id); }

bool apic_ipi_take_init(struct vcpu *v)
{
    int k = my_slot(v);
    if (!__atomic_exchange_n(&v->partition->init_requested[k], false, __ATOMIC_ACQ_REL))
        return false;
    v->partition->waiting_for_sipi[k] = true;
    return true;
}

void apic_ipi_started(struct vcpu *v) { v->partition->waiting_for_sipi[my_slot(v)] = false; }

static void init_sibling(struct partition *p, uint32_t k)
{
    if (p->waiting_for_sipi[k])
        return; /* already as INIT leaves it */
    __atomic_store_n(&p->init_requested[k], true, __ATOMIC_RELEASE);
    send_icr(((uint64_t)p->apic_ids[k] << 32) | (4u << 8) | (1u << 14)); /* NMI */
}

static void sipi_sibling(struct partition *p, uint32_t k, uint8_t vector)
{
    if (!p->waiting_for_sipi[k])
        return; /* a running CPU ignores SIPIs */
    if (!__atomic_load_n(&p->vcpus[k], __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&p->early_sipi[k], SIPI_PENDING | vector, __ATOMIC_RELEASE);
        if (__atomic_load_n(&p->vcpus[k], __ATOMIC_ACQUIRE) == NULL)
            return; /* its CPU applies it when it enters */
        /* It entered meanwhile: it may have missed the early SIPI. */
        if (!__atomic_exchange_n(&p->early_sipi[k], 0, __ATOMIC_ACQ_REL))
            return;
    }
    send_icr(((uint64_t)p->apic_ids[k] << 32) | (6u << 8) | (1u << 14) | vector);
}

static const char *const delivery_names[8] = {"fixed", "lowest-priority", "SMI", "reserved",
                                              "NMI",   "INIT",            "SIPI", "reserved"};

static void log_gp(const struct vcpu *v, const char *why, uint64_t icr)
{
    if (gp_logged[v->cpu % HV_MAX_CPUS]++ < GP_LOG_LIMIT)
        printk("%s cpu %u: IPI (ICR 0x%lx) at RIP 0x%lx: %s: #GP injected", v->partition->label, v->cpu, icr,
               vmread(VMCS_GUEST_RIP), why);
}

/* One target CPU k of an allowed IPI. False when the CPU refused the
 * IPI built from the guest's vector and modes (then #GP, as it would
 * have been for the guest's own WRMSR). */
static bool deliver(struct vcpu *v, uint64_t icr, const struct ipi_plan *plan, uint32_t k)
{
    struct partition *p = v->partition;
    switch (plan->delivery) {
    case DM_NMI:
        nmi_queue_for_guest(p, p->apic_ids[k]);
        return true;
    case DM_INIT:
        init_sibling(p, k);
        return true;
    case DM_STARTUP:
        sipi_sibling(p, k, (uint8_t)icr);
        return true;
    default:
        return wrmsr_safe(MSR_X2APIC_ICR, apic_ipi_physical(icr, plan->delivery, p->apic_ids[k])) == 0;
    }
}

bool apic_ipi_from_guest(struct vcpu *v, uint64_t icr)
{
    struct partition *p = v->partition;
    struct ipi_plan plan;
    apic_ipi_plan(icr, p->apic_ids, p->cpu_count, (uint32_t)my_slot(v), &plan);
    if (plan.verdict == IPI_GP) {
        log_gp(v, plan.why, icr);
        return false;
    }
    if (plan.verdict == IPI_REFUSE) {
        const char *owner = apic_id_owner(plan.bad_apic_id);
        partition_stop_current(-1, "IPI refused: %s to APIC id %u%s%s: %s (ICR 0x%lx)", delivery_names[ICR_DELIVERY(icr)],
                               plan.bad_apic_id, owner ? ", owned by " : "", owner ? owner : "", plan.why, icr);
    }
    for (uint32_t k = 0; k < p->cpu_count; k++) {
        if ((plan.targets & (1u << k)) && !deliver(v, icr, &plan, k)) {
            log_gp(v, "the CPU refused the IPI (fault caught in the hypervisor)", icr);
            return false;
        }
    }
    return true;
}
