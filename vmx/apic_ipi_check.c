/* IPI validation and targets (x2APIC ICR layout: Intel SDM Vol. 3A
 * 10.12.9, Figure 10-28; fields: 10.6.1), pure and host-tested.
 *
 * A partition sees a machine that has only its own CPUs. So a shorthand
 * ("self", "all including self", "all excluding self") or a broadcast
 * destination (FFFF_FFFFH, physical or logical: SDM 10.12.9) reaches its
 * own CPUs and nothing else, as on such a machine (all excluding self on
 * a one-CPU partition reaches nobody). A targeted IPI (physical id or
 * x2APIC logical cluster) naming any CPU it does not own is refused.
 * SMI and the reserved delivery modes never go out. Reserved ICR bits
 * give #GP, as an x2APIC does (SDM 10.12.1.3); bit 12 (delivery status)
 * is ignored by WRMSR to the ICR in x2APIC mode. */
#include "vmx/apic_ipi.h"

#define ICR_VECTOR 0xFFu
#define ICR_DELIVERY(low) (((low) >> 8) & 7)
#define ICR_LOGICAL (1u << 11)
#define ICR_LEVEL_TRIGGER ((1u << 14) | (1u << 15)) /* level (assert), trigger mode */
#define ICR_SHORTHAND(low) (((low) >> 18) & 3)
#define ICR_RESERVED 0xFFF32000u /* bits 13, 16-17, 20-31 of the low half */
#define DM_FIXED 0
#define DM_LOWEST 1
#define DM_SMI 2
#define DM_RESERVED3 3
#define DM_INIT 5
#define DM_STARTUP 6
#define DM_RESERVED7 7
#define SH_NONE 0
#define SH_SELF 1
#define SH_ALL_INCLUDING 2
#define SH_ALL_EXCLUDING 3
#define BROADCAST_ID 0xFFFFFFFFu

static int slot_of(uint32_t apic_id, const uint32_t *own, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        if (own[k] == apic_id)
            return (int)k;
    return -1;
}

static bool refuse(struct ipi_plan *plan, const char *why, uint32_t bad)
{
    plan->verdict = IPI_REFUSE;
    plan->why = why;
    plan->bad_apic_id = bad;
    return false;
}

/* x2APIC logical id: cluster in 31:16, one bit per CPU in 15:0, and
 * APIC id = cluster << 4 | bit (SDM 10.12.10.2). */
static bool logical_targets(uint32_t dest, const uint32_t *own, uint32_t n, struct ipi_plan *plan)
{
    uint32_t cluster = dest >> 16;
    for (uint32_t bit = 0; bit < 16; bit++) {
        if (!(dest & (1u << bit)))
            continue;
        uint32_t id = (cluster << 4) | bit;
        int k = slot_of(id, own, n);
        if (k < 0)
            return refuse(plan, "target CPU not in this partition", id);
        plan->targets |= 1u << k;
    }
    return true;
}

/* Fills plan->targets from the destination; false (plan refused) when it
 * names a CPU the partition does not own. */
static bool find_targets(uint32_t low, uint32_t dest, const uint32_t *own, uint32_t n, uint32_t self,
                         struct ipi_plan *plan)
{
    uint32_t all = n >= 32 ? ~0u : (1u << n) - 1;
    switch (ICR_SHORTHAND(low)) {
    case SH_SELF:
        plan->targets = 1u << self;
        return true;
    case SH_ALL_INCLUDING:
        plan->targets = all;
        return true;
    case SH_ALL_EXCLUDING:
        plan->targets = all & ~(1u << self);
        return true;
    }
    if (dest == BROADCAST_ID) {
        plan->targets = all;
        return true;
    }
    if (low & ICR_LOGICAL)
        return logical_targets(dest, own, n, plan);
    int k = slot_of(dest, own, n);
    if (k < 0)
        return refuse(plan, "target CPU not in this partition", dest);
    plan->targets = 1u << k;
    return true;
}

void apic_ipi_plan(uint64_t icr, const uint32_t *own_apic_ids, uint32_t own_count, uint32_t self_slot,
                   struct ipi_plan *plan)
{
    uint32_t low = (uint32_t)icr, dest = (uint32_t)(icr >> 32), dm = ICR_DELIVERY(low);
    *plan = (struct ipi_plan){.verdict = IPI_SEND, .bad_apic_id = dest, .delivery = dm};
    if (low & ICR_RESERVED) {
        plan->verdict = IPI_GP;
        plan->why = "reserved ICR bits set";
        return;
    }
    if (dm == DM_SMI || dm == DM_RESERVED3 || dm == DM_RESERVED7) {
        refuse(plan, "SMI and reserved delivery modes are not allowed", dest);
        return;
    }
    if (ICR_SHORTHAND(low) == SH_SELF && (dm == DM_INIT || dm == DM_STARTUP)) {
        refuse(plan, "INIT/SIPI to self is not allowed", dest);
        return;
    }
    if (!find_targets(low, dest, own_apic_ids, own_count, self_slot, plan))
        return;
    if (dm == DM_INIT || dm == DM_STARTUP)
        plan->targets &= ~(1u << self_slot); /* emulated for its other CPUs only (apic_ipi.h) */
    if (dm == DM_LOWEST) {
        /* One target, the arbitration's choice (SDM 10.6.2.4): its lowest slot. */
        plan->delivery = DM_FIXED;
        plan->targets &= -plan->targets;
    }
}

uint64_t apic_ipi_physical(uint64_t icr, uint32_t delivery, uint32_t apic_id)
{
    uint32_t low = ((uint32_t)icr & (ICR_VECTOR | ICR_LEVEL_TRIGGER)) | (delivery << 8);
    return ((uint64_t)apic_id << 32) | low;
}
