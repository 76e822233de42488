/* LVT writes (vmx/lvt_check.c): reserved bits #GP, masked entries free,
 * unmasked ones fixed or NMI only. */
#include <string.h>

#include "unit.h"
#include "vmx/lvt_check.h"

#define CMCI 0x82F
#define TIMER 0x832
#define THERMAL 0x833
#define PERF 0x834
#define LINT0 0x835
#define LINT1 0x836
#define ERROR 0x837

#define MASKED (1u << 16)
#define DM(m) ((uint32_t)(m) << 8)
#define FIXED DM(0)
#define SMI DM(2)
#define NMI DM(4)
#define INIT DM(5)
#define EXTINT DM(7)
#define LEVEL (1u << 15)
#define POLARITY (1u << 13)

static enum lvt_verdict check(uint32_t msr, uint64_t value)
{
    const char *why = NULL;
    enum lvt_verdict v = lvt_check(msr, value, &why);
    if (v != LVT_WRITE && (why == NULL || strlen(why) < 5))
        unit_fail(__FILE__, __LINE__, "a refusal without a reason");
    return v;
}

TEST(names)
{
    CHECK_STR(lvt_name(LINT0), "LINT0");
    CHECK_STR(lvt_name(CMCI), "CMCI");
    CHECK(lvt_name(0x830) == NULL); /* ICR */
    CHECK(lvt_name(0x838) == NULL); /* initial count */
    CHECK(lvt_name(0x6E0) == NULL);
}

/* What Linux and the in-tree kernels write. */
TEST(what_an_os_writes_is_allowed)
{
    CHECK_EQ(check(LINT0, EXTINT | MASKED), LVT_WRITE);   /* Linux's boot CPU */
    CHECK_EQ(check(LINT0, MASKED), LVT_WRITE);
    CHECK_EQ(check(LINT1, NMI), LVT_WRITE);               /* Linux's boot CPU */
    CHECK_EQ(check(LINT1, NMI | MASKED), LVT_WRITE);
    CHECK_EQ(check(PERF, NMI), LVT_WRITE);                /* the NMI watchdog */
    CHECK_EQ(check(PERF, NMI | MASKED), LVT_WRITE);
    CHECK_EQ(check(ERROR, 0xFE), LVT_WRITE);
    CHECK_EQ(check(THERMAL, 0xFA | MASKED), LVT_WRITE);
    CHECK_EQ(check(CMCI, 0xF9), LVT_WRITE);
    CHECK_EQ(check(TIMER, (2u << 17) | 0xEC), LVT_WRITE); /* TSC-deadline */
    CHECK_EQ(check(TIMER, (1u << 17) | 0xEC), LVT_WRITE); /* periodic */
    CHECK_EQ(check(TIMER, MASKED | 0xEC), LVT_WRITE);
    CHECK_EQ(check(LINT0, FIXED | POLARITY | 0x31), LVT_WRITE);
    CHECK_EQ(check(LINT0, FIXED | LEVEL | POLARITY | 0x31 | MASKED), LVT_WRITE);
}

/* SDM 10.5.2/10.5.3: the LAPIC itself flags vectors 0-15 (ESR), on its CPU. */
TEST(low_vectors_left_to_the_lapic)
{
    CHECK_EQ(check(LINT0, FIXED | 0x05), LVT_WRITE);
    CHECK_EQ(check(ERROR, 0x00), LVT_WRITE);
}

TEST(unmasked_smi_init_extint_refused)
{
    const uint32_t with_mode[] = {CMCI, THERMAL, PERF, LINT0, LINT1};
    for (unsigned i = 0; i < sizeof with_mode / sizeof with_mode[0]; i++) {
        CHECK_EQ(check(with_mode[i], SMI), LVT_REFUSE);
        CHECK_EQ(check(with_mode[i], INIT), LVT_REFUSE);
        CHECK_EQ(check(with_mode[i], EXTINT), LVT_REFUSE);
        CHECK_EQ(check(with_mode[i], DM(1) | 0x40), LVT_REFUSE);
        CHECK_EQ(check(with_mode[i], DM(3) | 0x40), LVT_REFUSE);
        CHECK_EQ(check(with_mode[i], DM(6) | 0x40), LVT_REFUSE);
        /* masked: nothing is delivered, unmasking is another checked write */
        CHECK_EQ(check(with_mode[i], SMI | MASKED), LVT_WRITE);
        CHECK_EQ(check(with_mode[i], INIT | MASKED), LVT_WRITE);
    }
    const char *why = NULL;
    CHECK_EQ(lvt_check(LINT0, SMI, &why), LVT_REFUSE);
    CHECK(why && strstr(why, "SMI"));
}

/* SDM 10.12.1.3: WRMSR setting a reserved bit of an x2APIC register #GPs. */
TEST(level_triggered_fixed_lint_refused)
{
    /* Its EOI would be broadcast to the IOAPIC and clear Remote-IRR of
     * another partition's level entry with the same vector. */
    const char *why;
    CHECK_EQ(lvt_check(LINT0, FIXED | LEVEL | 0x31, &why), LVT_REFUSE);
    CHECK(why && strstr(why, "level-triggered"));
    CHECK_EQ(lvt_check(LINT1, FIXED | LEVEL | 0x32, &why), LVT_REFUSE);
}

TEST(reserved_bits_give_gp)
{
    CHECK_EQ(check(LINT0, 1ull << 32), LVT_GP);       /* high half */
    CHECK_EQ(check(LINT0, (1u << 11) | MASKED), LVT_GP);
    CHECK_EQ(check(LINT0, (1u << 17) | MASKED), LVT_GP);
    CHECK_EQ(check(TIMER, FIXED | (1u << 8) | 0x40), LVT_GP); /* no delivery mode field */
    CHECK_EQ(check(TIMER, (1u << 19) | 0x40), LVT_GP);
    CHECK_EQ(check(ERROR, NMI | 0x40), LVT_GP);                /* no delivery mode field */
    CHECK_EQ(check(ERROR, LEVEL | 0x40), LVT_GP);
    CHECK_EQ(check(PERF, LEVEL | NMI), LVT_GP);                /* no trigger mode field */
    CHECK_EQ(check(CMCI, POLARITY | 0x40), LVT_GP);
    CHECK_EQ(check(THERMAL, (1u << 17) | 0x40), LVT_GP);
    /* read-only bits are accepted (delivery status, remote IRR) */
    CHECK_EQ(check(LINT0, (1u << 12) | (1u << 14) | MASKED), LVT_WRITE);
    CHECK_EQ(check(TIMER, (1u << 12) | 0x40), LVT_WRITE);
}
