/* Tests for the CPUID policy (vmx/cpuid_policy.c): the table is well
 * formed, and every feature it may show has its MSRs passed by
 * vmx/msr_policy.c or served by the MSR exit handler (cpuid_msr_emulated)
 * in the directions the feature needs, so that a visible feature with a
 * refused MSR fails here; applying it to a CPU's CPUID (Bochs's
 * corei7_skylake_x) gives what the rows say. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vmx/cpuid_policy.h"

static void fail_row(int line, const struct cpuid_rule *r, const char *what)
{
    char m[256];
    snprintf(m, sizeof m, "leaf 0x%x subleaf 0x%x reg %d mask 0x%x (%s): %s", r->leaf, r->subleaf, r->reg, r->mask,
             r->name ? r->name : "?", what);
    unit_fail(__FILE__, line, m);
}

/* Sort key: subleaf "any" before numbered subleaves. */
static uint64_t subleaf_key(uint32_t s) { return s == CPUID_ANY_SUBLEAF ? 0 : (uint64_t)s + 1; }

static int compare_rows(const struct cpuid_rule *a, const struct cpuid_rule *b)
{
    if (a->leaf != b->leaf)
        return a->leaf < b->leaf ? -1 : 1;
    if (subleaf_key(a->subleaf) != subleaf_key(b->subleaf))
        return subleaf_key(a->subleaf) < subleaf_key(b->subleaf) ? -1 : 1;
    if (a->reg != b->reg)
        return a->reg < b->reg ? -1 : 1;
    uint32_t la = a->mask & -a->mask, lb = b->mask & -b->mask;
    return la < lb ? -1 : la > lb;
}

static bool same_register(const struct cpuid_rule *a, const struct cpuid_rule *b)
{
    return a->leaf == b->leaf && (a->subleaf == b->subleaf || a->subleaf == CPUID_ANY_SUBLEAF ||
                                  b->subleaf == CPUID_ANY_SUBLEAF) &&
           (a->reg == b->reg || a->reg == CPUID_ALL_REGS || b->reg == CPUID_ALL_REGS);
}

TEST(cpuid_policy_sorted_without_overlaps)
{
    CHECK(cpuid_policy_count > 50);
    for (size_t i = 0; i < cpuid_policy_count; i++) {
        const struct cpuid_rule *r = &cpuid_policy[i];
        if (i > 0 && compare_rows(&cpuid_policy[i - 1], r) >= 0)
            fail_row(__LINE__, r, "out of order with the row before");
        for (size_t j = 0; j < i; j++)
            if (same_register(&cpuid_policy[j], r) && (cpuid_policy[j].mask & r->mask))
                fail_row(__LINE__, r, "overlaps an earlier row");
    }
}

TEST(cpuid_policy_rows_complete)
{
    for (size_t i = 0; i < cpuid_policy_count; i++) {
        const struct cpuid_rule *r = &cpuid_policy[i];
        if (!r->mask)
            fail_row(__LINE__, r, "has no bits");
        if (!r->name || !r->why || strlen(r->why) < 8)
            fail_row(__LINE__, r, "has no name or reason");
        if ((unsigned)r->treatment > CPUID_EMULATED || (unsigned)r->reg > CPUID_ALL_REGS)
            fail_row(__LINE__, r, "has an unknown treatment or register");
        if (r->reg == CPUID_ALL_REGS && r->mask != ~0u)
            fail_row(__LINE__, r, "names a whole leaf with a partial mask");
        if (r->treatment == CPUID_HIDDEN && (r->condition || r->msrs[0].needs != MSR_PASS_NONE))
            fail_row(__LINE__, r, "hidden, yet has a condition or MSRs (list them in its reason)");
    }
}

static enum msr_pass pass_in(const struct msr_rule *t, size_t n, uint32_t msr)
{
    for (size_t i = 0; i < n; i++)
        if (msr >= t[i].first && msr <= t[i].last)
            return t[i].pass;
    return MSR_PASS_NONE;
}

/* The directions of msr the guest gets served: by the hardware
 * (msr_policy) or by the exit handler (emulated). */
static unsigned served(uint32_t msr)
{
    return (unsigned)pass_in(msr_policy, msr_policy_count, msr) |
           (unsigned)pass_in(cpuid_msr_emulated, cpuid_msr_emulated_count, msr);
}

/* Problems of one row: each MSR a shown feature brings must be served in
 * every direction it needs. Returns how many, reported through fail_row
 * when line != 0. */
static int msr_problems(const struct cpuid_rule *r, int line)
{
    int n = 0;
    if (r->treatment == CPUID_HIDDEN)
        return 0;
    for (int k = 0; k < CPUID_MAX_MSR_RANGES && r->msrs[k].needs != MSR_PASS_NONE; k++) {
        const struct cpuid_msr_range *m = &r->msrs[k];
        for (uint32_t msr = m->first; msr <= m->last && msr >= m->first; msr++) {
            if ((served(msr) & m->needs) == (unsigned)m->needs)
                continue;
            n++;
            if (line) {
                char what[96];
                snprintf(what, sizeof what, "shown, but MSR 0x%x is refused (needs %s)", msr,
                         m->needs == MSR_PASS_BOTH ? "read and write" : m->needs == MSR_PASS_READ ? "read" : "write");
                fail_row(line, r, what);
            }
        }
    }
    return n;
}

TEST(shown_features_have_their_msrs)
{
    for (size_t i = 0; i < cpuid_policy_count; i++)
        msr_problems(&cpuid_policy[i], __LINE__);
}

/* The cross-check catches what it is for: a feature shown with a refused
 * MSR (PDCM before this table: PERF_CAPABILITIES got #GP). */
TEST(cross_check_catches_refused_msr)
{
    struct cpuid_rule pdcm_refused = {1, CPUID_ANY_SUBLEAF, CPUID_ECX, 1u << 15, CPUID_PASSED, 0, "PDCM", "test row",
                                      {{0x345, 0x345, MSR_PASS_READ}, {0x600, 0x600, MSR_PASS_BOTH}}};
    CHECK_EQ(msr_problems(&pdcm_refused, 0), 1); /* DS_AREA: refused */
    struct cpuid_rule ds_write = {1, CPUID_ANY_SUBLEAF, CPUID_ECX, 1u << 2, CPUID_PASSED, 0, "x", "test row",
                                  {{0x38E, 0x38E, MSR_PASS_BOTH}}};
    CHECK_EQ(msr_problems(&ds_write, 0), 1); /* GLOBAL_STATUS is read-only here */
    pdcm_refused.treatment = CPUID_HIDDEN;
    CHECK_EQ(msr_problems(&pdcm_refused, 0), 0);
}

TEST(emulated_msrs_sorted_and_reach_the_exit_handler)
{
    for (size_t i = 0; i < cpuid_msr_emulated_count; i++) {
        const struct msr_rule *e = &cpuid_msr_emulated[i];
        CHECK(e->first <= e->last);
        CHECK(e->pass != MSR_PASS_NONE);
        if (i > 0)
            CHECK(cpuid_msr_emulated[i - 1].last < e->first);
        /* an emulated direction must exit, or the handler never sees it */
        for (uint32_t msr = e->first; msr <= e->last; msr++)
            if ((unsigned)pass_in(msr_policy, msr_policy_count, msr) & (unsigned)e->pass) {
                char m[96];
                snprintf(m, sizeof m, "MSR 0x%x emulated, but msr_policy passes it to the hardware", msr);
                unit_fail(__FILE__, __LINE__, m);
            }
    }
}

/* The PMU MSRs a partition gets: passed both ways (no exit on the
 * counting path), read-only status read-only. */
TEST(pmu_msrs_passed)
{
    static const uint32_t both[] = {0xC1, 0xC8, 0x186, 0x18D, 0x309, 0x30B, 0x38D, 0x38F, 0x390, 0x4C1, 0x4C8};
    for (size_t i = 0; i < sizeof both / sizeof both[0]; i++)
        CHECK_EQ(pass_in(msr_policy, msr_policy_count, both[i]), MSR_PASS_BOTH);
    CHECK_EQ(pass_in(msr_policy, msr_policy_count, 0x38E), MSR_PASS_READ);
    /* PEBS, DS, LBR, off-core response, uncore: refused */
    static const uint32_t refused[] = {0x600, 0x3F1, 0x3F6, 0x1A6, 0x1A7, 0x1C9, 0x680, 0x391, 0x392, 0x700, 0xC8F};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        CHECK_EQ(served(refused[i]), 0);
}

/* Bochs 2.7 corei7_skylake_x, bare (cpudb/intel/corei7_skylake-x.cc). */
enum { A, B, C, D };

static uint32_t conds_now;
static int conds_asked;
static uint32_t conditions(void)
{
    conds_asked++;
    return conds_now;
}

static void apply(uint32_t leaf, uint32_t subleaf, uint32_t conds, uint32_t r[4], uint32_t a, uint32_t b, uint32_t c,
                  uint32_t d)
{
    struct cpuid_regs regs = {a, b, c, d};
    conds_now = conds;
    cpuid_policy_apply(leaf, subleaf, conditions, &regs);
    r[A] = regs.eax, r[B] = regs.ebx, r[C] = regs.ecx, r[D] = regs.edx;
}

TEST(leaf1_as_shown)
{
    uint32_t r[4];
    const uint32_t ecx = 0x7ffefbff, edx = 0xbfebfbff;
    apply(1, 0, CPUID_COND_PMU | CPUID_COND_PDCM, r, 0x50654, 0x00020800, ecx, edx);
    CHECK_EQ(r[A], 0x50654);
    CHECK_EQ(r[B], 0x00020800);
    CHECK_EQ(r[C] & (1u << 15), 1u << 15);          /* PDCM, the CPU accepting PERF_CAPABILITIES */
    CHECK_EQ(r[C] & ((1u << 2) | (1u << 4)), 0);    /* DTES64, DS-CPL */
    CHECK_EQ(r[C] & ((1u << 3) | (1u << 5)), 0);    /* MONITOR, VMX */
    CHECK_EQ(r[C] & ((1u << 7) | (1u << 8) | (1u << 14)), 0); /* EIST, TM2, xTPR */
    CHECK_EQ(r[C] & ((1u << 21) | (1u << 24) | (1u << 26)), (1u << 21) | (1u << 24) | (1u << 26));
    CHECK_EQ(r[D] & ((1u << 7) | (1u << 14) | (1u << 21) | (1u << 22) | (1u << 29) | (1u << 31)), 0);
    CHECK_EQ(r[D] & ((1u << 4) | (1u << 9) | (1u << 12) | (1u << 28)), (1u << 4) | (1u << 9) | (1u << 12) | (1u << 28));
    CHECK_EQ(r[D] & (1u << 10), 0); /* reserved: a whitelist */
    apply(1, 0, 0, r, 0x50654, 0x00020800, ecx, edx);
    CHECK_EQ(r[C] & (1u << 15), 0); /* PDCM hidden when the CPU refuses it */
}

TEST(pmu_leaf_shown_or_zero)
{
    uint32_t r[4];
    apply(0xA, 0, CPUID_COND_PMU, r, 0x07300404, 0, 0, 0x603);
    CHECK_EQ(r[A], 0x07300404);
    CHECK_EQ(r[D], 0x603);
    apply(0xA, 0, 0, r, 0x07300404, 0, 0, 0x603);
    CHECK(r[A] == 0 && r[B] == 0 && r[C] == 0 && r[D] == 0);
    /* counts beyond what msr_policy passes are clamped */
    struct cpuid_regs big = {0x08300C05, 0, 0xFF, 0x8604};
    cpuid_pmu_leaf(&big);
    CHECK_EQ(big.eax, 0x08300805);
    CHECK_EQ(big.ecx, 0x7);
    CHECK_EQ(big.edx, 0x8603);
    struct cpuid_regs small = {0x07300404, 0, 0, 0x603};
    cpuid_pmu_leaf(&small);
    CHECK(small.eax == 0x07300404 && small.edx == 0x603);
}

TEST(leaf7_and_others)
{
    uint32_t r[4];
    /* EBX: FSGSBASE TSC_ADJUST SGX(2) ... INVPCID(10) PQM(12) MPX(14) PQE(15) PT(25) */
    apply(7, 0, CPUID_COND_INVPCID | CPUID_COND_RDTSCP, r, 0, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF);
    CHECK_EQ(r[B] & ((1u << 2) | (1u << 12) | (1u << 14) | (1u << 15) | (1u << 25)), 0);
    CHECK_EQ(r[B] & ((1u << 1) | (1u << 10)), (1u << 1) | (1u << 10));
    CHECK_EQ(r[C] & ((1u << 2) | (1u << 3) | (1u << 4) | (1u << 22)), (1u << 2) | (1u << 3) | (1u << 4) | (1u << 22));
    CHECK_EQ(r[C] & ((1u << 5) | (1u << 7) | (1u << 31)), 0);
    CHECK_EQ(r[D] & (0xFu << 26), (1u << 26) | (1u << 27) | (1u << 29));
    apply(7, 0, 0, r, 0, 1u << 10, 1u << 22, 0);
    CHECK(r[B] == 0 && r[C] == 0); /* INVPCID, RDPID without their VMX controls */
    apply(7, 1, 0, r, 0xFFFFFFFF, 1, 1, 1);
    CHECK(r[B] == 0 && r[C] == 0 && r[D] == 0 && !(r[A] & (1u << 22)));
    apply(7, 2, 0, r, 0, 0, 0, 0x3F); /* not in the table: as the CPU says */
    CHECK_EQ(r[D], 0x3F);
    apply(5, 0, 0, r, 64, 64, 3, 0x2020);
    CHECK(r[A] == 0 && r[D] == 0);
    apply(6, 0, 0, r, 0x75, 2, 9, 0);
    CHECK(r[A] == 0x4 && r[B] == 0 && r[C] == 1);
    apply(0xD, 1, 0, r, 0xF, 0x340, 0x100, 0);
    CHECK(r[A] == 0x7 && r[B] == 0x340 && r[C] == 0);
    apply(0x80000001, 0, 0, r, 0, 0, 0x121, 0x2C100800);
    CHECK_EQ(r[D], 0x24100800); /* RDTSCP hidden without its control */
    apply(0x12, 0, 0, r, 1, 2, 3, 4);
    CHECK(r[A] == 0 && r[B] == 0 && r[C] == 0 && r[D] == 0);
    conds_asked = 0;
    apply(0, 0, 0, r, 0x16, 0x756E6547, 0x6C65746E, 0x49656E69);
    CHECK_EQ(r[A], 0x16);
    apply(6, 0, 0, r, 0x75, 2, 9, 0);
    CHECK_EQ(conds_asked, 0); /* no row of leaves 0 and 6 depends on a condition */
    apply(0xA, 0, CPUID_COND_PMU, r, 0x07300404, 0, 0, 0x603);
    CHECK_EQ(conds_asked, 1); /* asked once per CPUID */
}

TEST(perf_capabilities_shown)
{
    /* LBR format 5, PEBS trap, arch regs, format 3, SMM freeze, FW_WRITE, baseline, PERF_METRICS */
    CHECK_EQ(cpuid_perf_capabilities_shown(0xF3C5), 0x2000);
    CHECK_EQ(cpuid_perf_capabilities_shown(0), 0);
}

/* A mask as bit numbers and ranges ("0-15", "2", "all"). */
static void print_bits(uint32_t mask)
{
    if (mask == ~0u) {
        printf("all");
        return;
    }
    const char *sep = "";
    for (int b = 0; b < 32; b++) {
        if (!(mask & (1u << b)))
            continue;
        int e = b;
        while (e < 31 && (mask & (1u << (e + 1))))
            e++;
        printf(e == b ? "%s%d" : "%s%d-%d", sep, b, e);
        sep = ",";
        b = e;
    }
}

/* How a row's bits are shown, in words; NULL for an unknown condition. */
static const char *shown_as(const struct cpuid_rule *r)
{
    static const char *const names[] = {"passed", "hidden", "emulated"};
    switch (r->condition) {
    case 0:
        return names[r->treatment];
    case CPUID_COND_PMU:
        return r->treatment == CPUID_PASSED ? "passed if the CPU accepts the PMU MSRs"
                                            : "emulated if the CPU accepts the PMU MSRs";
    case CPUID_COND_PDCM:
        return "passed if the CPU accepts PERF_CAPABILITIES";
    case CPUID_COND_RDTSCP:
        return "passed if VMX can enable RDTSCP";
    case CPUID_COND_INVPCID:
        return "passed if VMX can enable INVPCID";
    default:
        return NULL;
    }
}

static void print_row(const struct cpuid_rule *r)
{
    static const char *const regs[] = {"EAX", "EBX", "ECX", "EDX", "all"};
    printf("| 0x%X | ", r->leaf);
    if (r->subleaf == CPUID_ANY_SUBLEAF)
        printf("any");
    else
        printf("%u", r->subleaf);
    printf(" | %s | ", regs[r->reg]);
    print_bits(r->mask);
    printf(" | %s | %s | %s |\n", r->name, shown_as(r), r->why);
}

/* Each row depends on one known condition at most. With CPUID_POLICY_MD
 * set, the table is printed as the markdown of docs/GUESTS.md, so the
 * doc is made from the table, not written beside it. */
TEST(conditions_known_table_printable)
{
    bool print = getenv("CPUID_POLICY_MD") != NULL;
    if (print)
        printf("| leaf | subleaf | register | bits | feature | shown | why |\n|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < cpuid_policy_count; i++) {
        if (!shown_as(&cpuid_policy[i]))
            fail_row(__LINE__, &cpuid_policy[i], "depends on an unknown condition, or on several");
        else if (print)
            print_row(&cpuid_policy[i]);
    }
}
