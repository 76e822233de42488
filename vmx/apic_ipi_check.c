/* IPI validation (x2APIC ICR layout: Intel SDM Vol. 3A 10.12.9, 10.6.1),
 * pure and host-tested. A partition may send IPIs only to its own CPUs;
 * SMIs never; INIT/SIPI not to itself; a broadcast only when it owns
 * every CPU. */
#include "vmx/apic_ipi.h"

#define ICR_DELIVERY(icr) (((uint32_t)(icr) >> 8) & 7)
#define ICR_LOGICAL (1u << 11)
#define ICR_SHORTHAND(icr) (((uint32_t)(icr) >> 18) & 3)
#define ICR_DEST(icr) ((uint32_t)((icr) >> 32))
#define DM_SMI 2
#define DM_INIT 5
#define DM_STARTUP 6
#define DM_RESERVED 7
#define SH_NONE 0
#define SH_SELF 1
#define BROADCAST_ID 0xFFFFFFFFu

static const char *check_targets(uint64_t icr, bool (*owns)(const void *, uint32_t), const void *ctx,
                                 uint32_t *bad)
{
    uint32_t dest = ICR_DEST(icr);
    if (!((uint32_t)icr & ICR_LOGICAL)) {
        *bad = dest;
        return owns(ctx, dest) ? NULL : "target CPU not in this partition";
    }
    /* x2APIC logical id: cluster in 31:16, one bit per CPU in 15:0, and
     * APIC id = cluster << 4 | bit (SDM 10.12.10.2). */
    uint32_t cluster = dest >> 16;
    for (uint32_t bit = 0; bit < 16; bit++) {
        if (!(dest & (1u << bit)))
            continue;
        *bad = (cluster << 4) | bit;
        if (!owns(ctx, *bad))
            return "target CPU not in this partition";
    }
    return NULL;
}

const char *apic_ipi_check(uint64_t icr, bool (*owns)(const void *ctx, uint32_t apic_id), const void *ctx,
                           bool all_cpus, uint32_t *bad_apic_id)
{
    uint32_t dm = ICR_DELIVERY(icr), sh = ICR_SHORTHAND(icr);
    *bad_apic_id = ICR_DEST(icr);
    if (dm == DM_SMI || dm == DM_RESERVED)
        return "SMI and reserved delivery modes are not allowed";
    if (sh == SH_SELF)
        return dm == DM_INIT || dm == DM_STARTUP ? "INIT/SIPI to self is not allowed" : NULL;
    if (sh != SH_NONE || (!((uint32_t)icr & ICR_LOGICAL) && ICR_DEST(icr) == BROADCAST_ID))
        return all_cpus ? NULL : "broadcast reaches CPUs of other partitions";
    return check_targets(icr, owns, ctx, bad_apic_id);
}

