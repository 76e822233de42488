/* IOAPIC redirection-entry rules: what a partition owning APIC id 1 (the
 * demo's RTOS) or APIC ids {0, 2} may leave in an entry of its own pin,
 * and the claims on level-triggered vectors. */
#include <string.h>

#include "unit.h"
#include "vmx/ioapic_check.h"

static bool owns_1(const void *ctx, uint32_t id) { (void)ctx; return id == 1; }
static bool owns_0_2(const void *ctx, uint32_t id) { (void)ctx; return id == 0 || id == 2; }

#define FIXED 0x000u
#define LOWEST 0x100u
#define SMI 0x200u
#define RESERVED3 0x300u
#define NMI 0x400u
#define INIT 0x500u
#define RESERVED6 0x600u
#define EXTINT 0x700u
#define LOGICAL 0x800u
#define LEVEL 0x8000u
#define MASKED 0x10000u

static uint64_t entry(uint32_t dest, uint32_t low) { return (uint64_t)dest << 56 | low; }

static const char *check(uint64_t e, bool (*owns)(const void *, uint32_t), uint32_t *id)
{
    return ioapic_route_check(e, owns, NULL, id);
}

TEST(fixed_and_lowest_priority_to_own_cpu_allowed)
{
    uint32_t id = 0;
    CHECK(check(entry(1, FIXED | 0x41), owns_1, &id) == NULL);
    CHECK_EQ(id, IOAPIC_NO_APIC_ID);
    CHECK(check(entry(1, LOWEST | 0x41), owns_1, &id) == NULL);
    CHECK(check(entry(1, FIXED | LEVEL | 0x53), owns_1, &id) == NULL);
    CHECK(check(entry(1, FIXED | 0xFF), owns_1, &id) == NULL);
}

/* What Linux 6.1 writes in x2APIC physical mode for its CPU 0 (pins 4
 * and 22): fixed, physical destination 0, its vector, edge. */
TEST(linux_physical_entries_allowed)
{
    uint32_t id;
    CHECK(check(entry(0, FIXED | 0x22), owns_0_2, &id) == NULL);
    CHECK(check(entry(0, FIXED | 0x2000 | 0x23), owns_0_2, &id) == NULL); /* active low */
}

TEST(physical_destination_of_another_partition_refused)
{
    uint32_t id = 0;
    const char *why = check(entry(0, FIXED | 0x41), owns_1, &id);
    CHECK(why != NULL && strstr(why, "another partition"));
    CHECK_EQ(id, 0);
    CHECK(check(entry(7, LOWEST | 0x41), owns_1, &id) != NULL);
    CHECK_EQ(id, 7);
}

TEST(broadcast_destination_refused_in_both_modes)
{
    uint32_t id;
    const char *why = check(entry(0xFF, FIXED | 0x41), owns_1, &id);
    CHECK(why != NULL && strstr(why, "broadcast"));
    CHECK(check(entry(0xFF, FIXED | LOGICAL | 0x41), owns_1, &id) != NULL);
    CHECK(check(entry(0xFF, LOWEST | LOGICAL | 0x41), owns_0_2, &id) != NULL);
}

/* Logical 8-bit destination: x2APIC cluster 0, bit i = APIC id i. */
TEST(logical_destination_decoded_as_cluster_zero_bitmap)
{
    uint32_t id = 0;
    CHECK(check(entry(0x02, FIXED | LOGICAL | 0x41), owns_1, &id) == NULL);
    /* dest 1 names APIC id 0 in logical mode, not APIC id 1 */
    const char *why = check(entry(0x01, FIXED | LOGICAL | 0x41), owns_1, &id);
    CHECK(why != NULL && strstr(why, "logical"));
    CHECK_EQ(id, 0);
    CHECK(check(entry(0x03, FIXED | LOGICAL | 0x41), owns_1, &id) != NULL);
    CHECK_EQ(id, 0);
    CHECK(check(entry(0x05, LOWEST | LOGICAL | 0x41), owns_0_2, &id) == NULL);
    CHECK(check(entry(0x07, LOWEST | LOGICAL | 0x41), owns_0_2, &id) != NULL);
    CHECK_EQ(id, 1);
    CHECK(check(entry(0x80, FIXED | LOGICAL | 0x41), owns_0_2, &id) != NULL);
    CHECK_EQ(id, 7);
}

TEST(empty_logical_destination_refused)
{
    uint32_t id = 0;
    const char *why = check(entry(0, FIXED | LOGICAL | 0x41), owns_0_2, &id);
    CHECK(why != NULL && strstr(why, "no CPU"));
    CHECK_EQ(id, IOAPIC_NO_APIC_ID);
}

TEST(smi_nmi_init_extint_and_reserved_modes_refused)
{
    static const uint32_t modes[] = {SMI, RESERVED3, NMI, INIT, RESERVED6, EXTINT};
    static const char *const names[] = {"SMI", "reserved", "NMI", "INIT", "reserved", "ExtINT"};
    for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        uint32_t id;
        const char *why = check(entry(1, modes[i] | 0x41), owns_1, &id);
        CHECK(why != NULL && strstr(why, names[i]));
        CHECK(check(entry(1, modes[i] | LOGICAL | 0x41), owns_1, &id) != NULL);
        CHECK(check(entry(1, modes[i] | MASKED | 0x41), owns_1, &id) == NULL);
    }
}

TEST(vectors_below_0x20_refused)
{
    uint32_t id;
    CHECK(check(entry(1, FIXED | 0x00), owns_1, &id) != NULL);
    CHECK(check(entry(1, FIXED | 0x0D), owns_1, &id) != NULL);
    CHECK(check(entry(1, FIXED | 0x1F), owns_1, &id) != NULL);
    CHECK(check(entry(1, FIXED | 0x20), owns_1, &id) == NULL);
}

TEST(extended_destination_bits_refused)
{
    uint32_t id;
    CHECK(check(entry(1, FIXED | 0x41) | 1ull << 48, owns_1, &id) != NULL);
    CHECK(check(entry(1, FIXED | 0x41) | 1ull << 55, owns_1, &id) != NULL);
}

/* Masked: anything (an OS fills entries before unmasking them); the
 * unmasking write is checked with the whole entry. */
TEST(masked_entries_allowed_whatever_they_hold)
{
    uint32_t id;
    CHECK(check(entry(0, FIXED | MASKED | 0x41), owns_1, &id) == NULL);
    CHECK(check(entry(0xFF, SMI | MASKED), owns_1, &id) == NULL);
    CHECK(check(entry(0x01, EXTINT | LOGICAL | MASKED), owns_1, &id) == NULL);
    CHECK(check(entry(0x01, EXTINT | LOGICAL | MASKED) & ~(uint64_t)MASKED, owns_1, &id) != NULL);
}

/* ------------------------------------------------ level-triggered vectors */

static bool holds[4][256]; /* holds[partition][vector]: a level entry with it */

static bool fake_still_holds(const void *ctx, uint32_t owner, uint8_t vector)
{
    (void)ctx;
    return owner < 4 && holds[owner][vector];
}

TEST(level_vector_claimed_by_the_first_partition)
{
    struct ioapic_level_owners t = {{0}};
    uint32_t holder = 99;
    memset(holds, 0, sizeof holds);
    CHECK(ioapic_level_claim(&t, 0x50, 1, fake_still_holds, NULL, &holder) == NULL);
    holds[1][0x50] = true;
    const char *why = ioapic_level_claim(&t, 0x50, 0, fake_still_holds, NULL, &holder);
    CHECK(why != NULL && strstr(why, "Remote-IRR"));
    CHECK_EQ(holder, 1);
    /* the owner itself may use it on other pins, or rewrite it */
    CHECK(ioapic_level_claim(&t, 0x50, 1, fake_still_holds, NULL, &holder) == NULL);
    /* other vectors are free */
    CHECK(ioapic_level_claim(&t, 0x51, 0, fake_still_holds, NULL, &holder) == NULL);
}

TEST(level_vector_released_when_the_owner_no_longer_uses_it)
{
    struct ioapic_level_owners t = {{0}};
    uint32_t holder;
    memset(holds, 0, sizeof holds);
    CHECK(ioapic_level_claim(&t, 0x60, 2, fake_still_holds, NULL, &holder) == NULL);
    holds[2][0x60] = true; /* masked or not: still its */
    CHECK(ioapic_level_claim(&t, 0x60, 3, fake_still_holds, NULL, &holder) != NULL);
    holds[2][0x60] = false; /* vector changed, or the entry made edge-triggered */
    CHECK(ioapic_level_claim(&t, 0x60, 3, fake_still_holds, NULL, &holder) == NULL);
    holds[3][0x60] = true;
    CHECK(ioapic_level_claim(&t, 0x60, 2, fake_still_holds, NULL, &holder) != NULL);
    CHECK_EQ(holder, 3);
}
