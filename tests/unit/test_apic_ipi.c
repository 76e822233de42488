/* IPI plans: what a partition owning APIC ids {1} (one CPU) or {2, 3}
 * (two CPUs) may send through the x2APIC ICR, and to which of its CPUs
 * it goes. Targets are bit masks over the partition's CPU slots. */
#include <string.h>

#include "unit.h"
#include "vmx/apic_ipi.h"

static const uint32_t one_cpu[] = {1};
static const uint32_t two_cpus[] = {2, 3};

static uint64_t icr(uint32_t dest, uint32_t low) { return ((uint64_t)dest << 32) | low; }

/* Plan for the one-CPU partition {1} (self slot 0) */
static struct ipi_plan plan1(uint64_t value)
{
    struct ipi_plan p;
    apic_ipi_plan(value, one_cpu, 1, 0, &p);
    return p;
}

/* Plan for the two-CPU partition {2, 3}, sent by APIC id 2 (slot 0) */
static struct ipi_plan plan2(uint64_t value)
{
    struct ipi_plan p;
    apic_ipi_plan(value, two_cpus, 2, 0, &p);
    return p;
}

#define FIXED 0x000
#define LOWEST 0x100
#define SMI 0x200
#define NMI 0x400
#define INIT 0x500
#define SIPI 0x600
#define ASSERT 0x4000
#define LEVEL 0x8000
#define LOGICAL 0x800
#define SELF (1u << 18)
#define ALL_INCL (2u << 18)
#define ALL_EXCL (3u << 18)

TEST(own_cpu_allowed_in_every_mode)
{
    struct ipi_plan p = plan2(icr(3, FIXED | ASSERT | 0xF0));
    CHECK_EQ(p.verdict, IPI_SEND);
    CHECK_EQ(p.targets, 0x2);
    CHECK_EQ(p.delivery, 0);
    CHECK_EQ(plan2(icr(3, NMI | ASSERT)).targets, 0x2);
    CHECK_EQ(plan2(icr(3, INIT | ASSERT)).targets, 0x2);
    CHECK_EQ(plan2(icr(3, SIPI | ASSERT | 0x08)).targets, 0x2);
    CHECK_EQ(plan1(icr(1, NMI | ASSERT)).targets, 0x1); /* NMI to itself */
    CHECK_EQ(plan1(icr(1, FIXED | 0x40)).targets, 0x1);
}

TEST(foreign_cpu_refused_and_named)
{
    struct ipi_plan p = plan1(icr(0, INIT | ASSERT));
    CHECK_EQ(p.verdict, IPI_REFUSE);
    CHECK(p.why != NULL && strstr(p.why, "not in this partition"));
    CHECK_EQ(p.bad_apic_id, 0);
    CHECK_EQ(plan1(icr(0, SIPI | ASSERT | 8)).verdict, IPI_REFUSE);
    CHECK_EQ(plan1(icr(0, NMI | ASSERT)).verdict, IPI_REFUSE);
    p = plan1(icr(7, FIXED | 0x30));
    CHECK_EQ(p.verdict, IPI_REFUSE);
    CHECK_EQ(p.bad_apic_id, 7);
    CHECK_EQ(plan1(icr(2, LOWEST | 0x30)).verdict, IPI_REFUSE);
}

TEST(smi_and_reserved_modes_never)
{
    CHECK_EQ(plan1(icr(1, SMI)).verdict, IPI_REFUSE);
    CHECK_EQ(plan1(icr(1, 0x300)).verdict, IPI_REFUSE);
    CHECK_EQ(plan1(icr(1, 0x700)).verdict, IPI_REFUSE);
    CHECK_EQ(plan2(icr(0, SMI | ALL_EXCL)).verdict, IPI_REFUSE);
    CHECK_EQ(plan2(icr(0xFFFFFFFF, SMI)).verdict, IPI_REFUSE);
}

/* SDM Vol. 3A 10.12.9, Figure 10-28: bits 13, 16-17, 20-31 are reserved;
 * bit 12 (delivery status) is ignored by WRMSR in x2APIC mode. */
TEST(reserved_bits_give_gp)
{
    const uint32_t reserved[] = {13, 16, 17, 20, 24, 31};
    for (unsigned i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        struct ipi_plan p = plan1(icr(1, FIXED | 0x40 | (1u << reserved[i])));
        CHECK_EQ(p.verdict, IPI_GP);
        CHECK(p.why != NULL && strstr(p.why, "reserved"));
    }
    /* #GP comes first, even for a foreign target or SMI */
    CHECK_EQ(plan1(icr(0, SMI | (1u << 13))).verdict, IPI_GP);
    CHECK_EQ(plan1(icr(1, FIXED | 0x40 | (1u << 12))).verdict, IPI_SEND);
    CHECK_EQ(plan1(icr(1, FIXED | 0x40 | ASSERT | LEVEL)).verdict, IPI_SEND);
}

/* A broadcast or shorthand reaches the sender's own CPUs only. */
TEST(broadcasts_reach_own_cpus_only)
{
    struct ipi_plan p = plan1(icr(0, INIT | ASSERT | ALL_EXCL));
    CHECK_EQ(p.verdict, IPI_SEND);
    CHECK_EQ(p.targets, 0); /* one-CPU partition: nobody */
    CHECK_EQ(plan1(icr(0, FIXED | ALL_INCL | 0x40)).targets, 0x1);
    CHECK_EQ(plan1(icr(0xFFFFFFFF, FIXED | 0x40)).targets, 0x1);
    CHECK_EQ(plan1(icr(0xFFFFFFFF, NMI | ASSERT)).targets, 0x1);
    CHECK_EQ(plan2(icr(0, INIT | ASSERT | ALL_EXCL)).targets, 0x2);
    CHECK_EQ(plan2(icr(0, SIPI | ASSERT | ALL_EXCL | 0x70)).targets, 0x2);
    CHECK_EQ(plan2(icr(0, NMI | ASSERT | ALL_EXCL)).targets, 0x2);
    CHECK_EQ(plan2(icr(0, FIXED | ALL_EXCL | 0x40)).targets, 0x2);
    CHECK_EQ(plan2(icr(0, FIXED | ALL_INCL | 0x40)).targets, 0x3);
    CHECK_EQ(plan2(icr(0xFFFFFFFF, NMI | ASSERT)).targets, 0x3);
    CHECK_EQ(plan2(icr(0xFFFFFFFF, FIXED | LOGICAL | 0x40)).targets, 0x3); /* logical broadcast */
    /* INIT/SIPI never reach the sender itself, even "all including self" */
    CHECK_EQ(plan2(icr(0, INIT | ASSERT | ALL_INCL)).targets, 0x2);
    CHECK_EQ(plan2(icr(0xFFFFFFFF, INIT | ASSERT)).targets, 0x2);
    /* sent by the second CPU (slot 1) */
    struct ipi_plan q;
    apic_ipi_plan(icr(0, NMI | ASSERT | ALL_EXCL), two_cpus, 2, 1, &q);
    CHECK_EQ(q.targets, 0x1);
}

TEST(self_shorthand)
{
    CHECK_EQ(plan2(icr(0, FIXED | SELF | 0x40)).targets, 0x1);
    CHECK_EQ(plan2(icr(0, NMI | SELF)).targets, 0x1);
    CHECK_EQ(plan2(icr(0, INIT | SELF)).verdict, IPI_REFUSE);
    CHECK_EQ(plan2(icr(0, SIPI | SELF)).verdict, IPI_REFUSE);
}

TEST(lowest_priority_goes_to_one_own_cpu_as_fixed)
{
    struct ipi_plan p = plan2(icr(0, LOWEST | ALL_INCL | 0x40));
    CHECK_EQ(p.verdict, IPI_SEND);
    CHECK_EQ(p.delivery, 0);
    CHECK_EQ(p.targets, 0x1);
    CHECK_EQ(plan2(icr(3, LOWEST | 0x40)).targets, 0x2);
}

/* x2APIC logical destination: cluster << 16 | bit mask, id = cluster*16 + bit. */
TEST(logical_destinations_checked_per_cpu)
{
    struct ipi_plan p = plan2(icr((0u << 16) | 0x000C, FIXED | LOGICAL | 0x40));
    CHECK_EQ(p.verdict, IPI_SEND);
    CHECK_EQ(p.targets, 0x3);
    p = plan2(icr((0u << 16) | 0x000E, FIXED | LOGICAL | 0x40));
    CHECK_EQ(p.verdict, IPI_REFUSE);
    CHECK_EQ(p.bad_apic_id, 1);
    p = plan2(icr((1u << 16) | 0x0004, FIXED | LOGICAL | 0x40));
    CHECK_EQ(p.verdict, IPI_REFUSE);
    CHECK_EQ(p.bad_apic_id, 18);
}

TEST(physical_icr_for_one_target)
{
    /* vector, level and trigger kept; shorthand, logical mode, reserved-free */
    CHECK_EQ(apic_ipi_physical(icr(0, FIXED | ALL_EXCL | LOGICAL | ASSERT | LEVEL | 0x40), 0, 3),
             icr(3, ASSERT | LEVEL | 0x40));
    CHECK_EQ(apic_ipi_physical(icr(0xFFFFFFFF, LOWEST | 0x51), 0, 2), icr(2, 0x51));
}
