/* The rules for an IOAPIC redirection entry that a partition programs,
 * pure and host-tested (tests/unit/test_ioapic_check.c). The emulator
 * (vmx/ioapic_emul.c) applies them under the IOAPIC lock. */
#ifndef VMX_IOAPIC_CHECK_H
#define VMX_IOAPIC_CHECK_H

#include "hv/types.h"

/* Redirection entry, low dword in bits 31:0, high in 63:32 (82093AA data
 * sheet 3.2.4). */
#define IOAPIC_RTE_VECTOR(e) ((uint8_t)(e))
#define IOAPIC_RTE_DELIVERY(e) ((uint32_t)((e) >> 8) & 7)
#define IOAPIC_RTE_LOGICAL (1ull << 11)
#define IOAPIC_RTE_LEVEL (1ull << 15)
#define IOAPIC_RTE_MASKED (1ull << 16)
#define IOAPIC_RTE_DEST(e) ((uint32_t)((e) >> 56))

#define IOAPIC_NO_APIC_ID 0xFFFFFFFFu

/* Checks the whole entry as a partition would leave it. A masked entry
 * is always allowed (it sends nothing; unmasking it is a checked write).
 * An unmasked one must be fixed or lowest-priority delivery, vector >=
 * 0x20, no extended destination bits, and reach a non-empty set of
 * CPUs all owned by the partition (owns(ctx, apic_id)). Returns NULL or
 * the reason; *apic_id is the foreign APIC id it reaches, else
 * IOAPIC_NO_APIC_ID. */
const char *ioapic_route_check(uint64_t entry, bool (*owns)(const void *ctx, uint32_t apic_id), const void *ctx,
                               uint32_t *apic_id);

/* Level-triggered vectors. An EOI of a level-triggered vector is broadcast
 * to the IOAPICs (SDM Vol. 3A 10.8.5), which clear Remote-IRR on every
 * entry with that vector, whoever owns it (82093AA 3.2.4). So each vector
 * serves the level entries of one partition at most: the first to unmask
 * a level entry with it claims it, and keeps it while any of its entries
 * is level-triggered with that vector, masked or not (an OS masks a
 * level pin while its handler runs; losing the vector then would make
 * its own unmask fail). owner[v]: partition id + 1, 0 = free. */
struct ioapic_level_owners {
    uint8_t owner[256];
};

/* Partition `claimant` unmasks a level-triggered entry with `vector`.
 * still_holds(ctx, owner, vector): whether partition `owner` still has a
 * level-triggered entry with that vector. Returns NULL (the vector is the
 * claimant's) or the reason, with *holder the owning partition's id. */
const char *ioapic_level_claim(struct ioapic_level_owners *t, uint8_t vector, uint32_t claimant,
                               bool (*still_holds)(const void *ctx, uint32_t owner, uint8_t vector), const void *ctx,
                               uint32_t *holder);

#endif
