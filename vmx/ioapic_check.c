/* IOAPIC redirection-entry rules (see ioapic_check.h). Entry layout:
 * 82093AA data sheet 3.2.4. Destinations as the x2APIC-mode local APICs
 * of the partitions read them (no interrupt remapping here). */
#include "vmx/ioapic_check.h"

#define DM_FIXED 0
#define DM_LOWEST_PRIORITY 1
#define MIN_VECTOR 0x20 /* 0-31: exceptions and reserved (SDM Vol. 3A 6.2, 10.5.2) */
#define EXTENDED_DEST(e) ((uint32_t)((e) >> 48) & 0xFF) /* bits 55:48 */
#define BROADCAST_DEST 0xFF
#define XAPIC_DEST_BITS 8

static const char *const refused_modes[8] = {
    NULL,
    NULL,
    "delivery mode SMI is not allowed (it makes firmware gather every CPU)",
    "delivery mode 3 is reserved",
    "delivery mode NMI is not allowed",
    "delivery mode INIT is not allowed",
    "delivery mode 6 is reserved",
    "delivery mode ExtINT is not allowed",
};

/* The CPUs an 8-bit destination reaches. Physical: the APIC id itself
 * (SDM Vol. 3A 10.6.2.1). Logical: the IOAPIC's 8-bit message
 * destination is compared, zero-extended, with each x2APIC-mode LAPIC's
 * 32-bit LDR, cluster model only: cluster MDA[31:16] = 0 must equal
 * LDR[31:16] and MDA[15:0] AND LDR[15:0] must be non-zero (10.12.10.1),
 * where LDR = (x2APIC id[19:4] << 16) | 1 << x2APIC id[3:0] (10.12.10.2).
 * So bit i of the destination reaches APIC id i, for i in 0..7. 0xFF is
 * a broadcast in both modes (10.6.2.1; an x2APIC-mode LAPIC takes an
 * 8-bit 0xFF as one too). */
static const char *check_targets(uint64_t entry, bool (*owns)(const void *, uint32_t), const void *ctx,
                                 uint32_t *apic_id)
{
    uint32_t dest = IOAPIC_RTE_DEST(entry);
    if (dest == BROADCAST_DEST)
        return "destination 0xFF is a broadcast to every CPU";
    if (!(entry & IOAPIC_RTE_LOGICAL)) {
        if (owns(ctx, dest))
            return NULL;
        *apic_id = dest;
        return "physical destination is a CPU of another partition";
    }
    if (dest == 0)
        return "logical destination 0 reaches no CPU";
    for (uint32_t bit = 0; bit < XAPIC_DEST_BITS; bit++) {
        if ((dest & (1u << bit)) && !owns(ctx, bit)) {
            *apic_id = bit;
            return "logical destination reaches a CPU of another partition";
        }
    }
    return NULL;
}

const char *ioapic_route_check(uint64_t entry, bool (*owns)(const void *ctx, uint32_t apic_id), const void *ctx,
                               uint32_t *apic_id)
{
    *apic_id = IOAPIC_NO_APIC_ID;
    if (entry & IOAPIC_RTE_MASKED)
        return NULL;
    uint32_t dm = IOAPIC_RTE_DELIVERY(entry);
    if (dm != DM_FIXED && dm != DM_LOWEST_PRIORITY)
        return refused_modes[dm];
    if (IOAPIC_RTE_VECTOR(entry) < MIN_VECTOR)
        return "vector below 0x20 (exceptions and reserved vectors)";
    /* Bits 55:48 select the remappable format or extend the destination
     * id on platforms that have those; neither is offered here. */
    if (EXTENDED_DEST(entry))
        return "bits 55:48 (extended or remappable destination) must be 0";
    /* Lowest priority picks one CPU among the destination's: all of them
     * must be its own, as for fixed delivery. */
    return check_targets(entry, owns, ctx, apic_id);
}

const char *ioapic_level_claim(struct ioapic_level_owners *t, uint8_t vector, uint32_t claimant,
                               bool (*still_holds)(const void *ctx, uint32_t owner, uint8_t vector), const void *ctx,
                               uint32_t *holder)
{
    uint8_t cur = t->owner[vector];
    if (cur && cur - 1u != claimant && still_holds(ctx, cur - 1u, vector)) {
        *holder = cur - 1u;
        return "vector used by another partition's level-triggered entry (a shared EOI would clear its Remote-IRR)";
    }
    t->owner[vector] = (uint8_t)(claimant + 1);
    return NULL;
}
