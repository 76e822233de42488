/* Guest IPIs: validated by apic_ipi_check() (vmx/apic_ipi_check.c), then
 * sent for real (INIT and SIPI emulated, see apic_ipi.h), or the
 * partition is stopped. */
#include "vmx/apic_ipi.h"

#include "hv/partition.h"
#include "hv/percpu.h"

#define ICR_DELIVERY(icr) (((uint32_t)(icr) >> 8) & 7)
#define ICR_LOGICAL (1u << 11)
#define ICR_SHORTHAND(icr) (((uint32_t)(icr) >> 18) & 3)
#define ICR_DEST(icr) ((uint32_t)((icr) >> 32))
#define DM_INIT 5
#define DM_STARTUP 6
#define SIPI_PENDING 0x100u
#define MSR_X2APIC_ICR 0x830

static void send_icr(uint64_t icr)
{
    __asm__ __volatile__("wrmsr" ::"c"(MSR_X2APIC_ICR), "a"((uint32_t)icr), "d"((uint32_t)(icr >> 32)));
}

static int my_slot(const struct vcpu *v) { return partition_cpu_slot(v->partition, v->apic_id); }

bool apic_ipi_take_init(struct vcpu *v)
{
    int k = my_slot(v);
    if (!__atomic_exchange_n(&v->partition->init_requested[k], false, __ATOMIC_ACQ_REL))
        return false;
    v->partition->waiting_for_sipi[k] = true;
    return true;
}

void apic_ipi_parked(struct vcpu *v) { v->partition->waiting_for_sipi[my_slot(v)] = true; }
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

/* Targets of an already validated INIT/SIPI: its destination (physical
 * or x2APIC logical) or, for a shorthand, all its CPUs but the sender. */
static bool is_target(uint64_t icr, uint32_t apic_id, uint32_t self)
{
    if (ICR_SHORTHAND(icr))
        return apic_id != self;
    if (!((uint32_t)icr & ICR_LOGICAL))
        return apic_id == ICR_DEST(icr) || ICR_DEST(icr) == 0xFFFFFFFFu;
    return (ICR_DEST(icr) >> 16) == (apic_id >> 4) && (ICR_DEST(icr) & (1u << (apic_id & 15)));
}

static void init_or_sipi(struct vcpu *v, uint64_t icr)
{
    struct partition *p = v->partition;
    for (uint32_t k = 0; k < p->cpu_count; k++) {
        if (p->apic_ids[k] == v->apic_id || !is_target(icr, p->apic_ids[k], v->apic_id))
            continue;
        if (ICR_DELIVERY(icr) == DM_INIT)
            init_sibling(p, k);
        else
            sipi_sibling(p, k, (uint8_t)icr);
    }
}

static bool partition_owns(const void *ctx, uint32_t apic_id)
{
    return partition_owns_apic_id((const struct partition *)ctx, apic_id);
}

static const char *const delivery_names[8] = {"fixed", "lowest-priority", "SMI", "reserved",
                                              "NMI",   "INIT",            "SIPI", "reserved"};

void apic_ipi_from_guest(struct vcpu *v, uint64_t icr)
{
    const struct partition *p = v->partition;
    uint32_t bad;
    const char *why = apic_ipi_check(icr, partition_owns, p, p->cpu_count == percpu_online_count(), &bad);
    if (why) {
        const char *owner = apic_id_owner(bad);
        partition_stop_current(-1, "IPI refused: %s to APIC id %u%s%s: %s (ICR 0x%lx)", delivery_names[ICR_DELIVERY(icr)],
                               bad, owner ? ", owned by " : "", owner ? owner : "", why, icr);
    }
    if (ICR_DELIVERY(icr) == DM_INIT || ICR_DELIVERY(icr) == DM_STARTUP)
        init_or_sipi(v, icr);
    else
        send_icr(icr);
}
