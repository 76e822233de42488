/* IPI validation: what a partition owning APIC ids {1} (or {2, 3}) may
 * send through the x2APIC ICR. */
#include <string.h>

#include "unit.h"
#include "vmx/apic_ipi.h"

static bool owns_1(const void *ctx, uint32_t id) { (void)ctx; return id == 1; }
static bool owns_2_3(const void *ctx, uint32_t id) { (void)ctx; return id == 2 || id == 3; }

static uint64_t icr(uint32_t dest, uint32_t low) { return ((uint64_t)dest << 32) | low; }

#define FIXED 0x000
#define NMI 0x400
#define INIT 0x500
#define SIPI 0x600
#define SMI 0x200
#define ASSERT 0x4000
#define LOGICAL 0x800
#define SELF (1u << 18)
#define ALL_INCL (2u << 18)
#define ALL_EXCL (3u << 18)

TEST(own_cpu_allowed_in_every_mode)
{
    uint32_t bad;
    CHECK(apic_ipi_check(icr(1, FIXED | ASSERT | 0xF0), owns_1, NULL, false, &bad) == NULL);
    CHECK(apic_ipi_check(icr(1, NMI | ASSERT), owns_1, NULL, false, &bad) == NULL);
    CHECK(apic_ipi_check(icr(1, INIT | ASSERT), owns_1, NULL, false, &bad) == NULL);
    CHECK(apic_ipi_check(icr(1, SIPI | ASSERT | 0x08), owns_1, NULL, false, &bad) == NULL);
}

TEST(foreign_cpu_refused_and_named)
{
    uint32_t bad = 99;
    const char *why = apic_ipi_check(icr(0, INIT | ASSERT), owns_1, NULL, false, &bad);
    CHECK(why != NULL && strstr(why, "not in this partition"));
    CHECK_EQ(bad, 0);
    CHECK(apic_ipi_check(icr(0, SIPI | ASSERT | 8), owns_1, NULL, false, &bad) != NULL);
    CHECK(apic_ipi_check(icr(0, NMI | ASSERT), owns_1, NULL, false, &bad) != NULL);
    CHECK(apic_ipi_check(icr(7, FIXED | 0x30), owns_1, NULL, false, &bad) != NULL);
    CHECK_EQ(bad, 7);
}

TEST(smi_and_reserved_never)
{
    uint32_t bad;
    CHECK(apic_ipi_check(icr(1, SMI), owns_1, NULL, true, &bad) != NULL);
    CHECK(apic_ipi_check(icr(1, 0x700), owns_1, NULL, true, &bad) != NULL);
}

TEST(broadcasts_only_when_owning_every_cpu)
{
    uint32_t bad;
    CHECK(apic_ipi_check(icr(0, INIT | ASSERT | ALL_EXCL), owns_1, NULL, false, &bad) != NULL);
    CHECK(apic_ipi_check(icr(0, FIXED | ALL_INCL | 0x40), owns_1, NULL, false, &bad) != NULL);
    CHECK(apic_ipi_check(icr(0xFFFFFFFF, FIXED | 0x40), owns_1, NULL, false, &bad) != NULL);
    CHECK(apic_ipi_check(icr(0, INIT | ASSERT | ALL_EXCL), owns_1, NULL, true, &bad) == NULL);
}

TEST(self_shorthand)
{
    uint32_t bad;
    CHECK(apic_ipi_check(icr(0, FIXED | SELF | 0x40), owns_1, NULL, false, &bad) == NULL);
    CHECK(apic_ipi_check(icr(0, INIT | SELF), owns_1, NULL, false, &bad) != NULL);
}

/* x2APIC logical destination: cluster << 16 | bit mask, id = cluster*16 + bit. */
TEST(logical_destinations_checked_per_cpu)
{
    uint32_t bad;
    CHECK(apic_ipi_check(icr((0u << 16) | 0x000C, FIXED | LOGICAL | 0x40), owns_2_3, NULL, false, &bad) == NULL);
    CHECK(apic_ipi_check(icr((0u << 16) | 0x000E, FIXED | LOGICAL | 0x40), owns_2_3, NULL, false, &bad) != NULL);
    CHECK_EQ(bad, 1);
    CHECK(apic_ipi_check(icr((1u << 16) | 0x0004, FIXED | LOGICAL | 0x40), owns_2_3, NULL, false, &bad) != NULL);
    CHECK_EQ(bad, 18);
}
