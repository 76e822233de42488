/* Tests for vmx/hpet_policy.c: which HPET writes a partition may make
 * (IA-PC HPET 1.0a 2.3), and the EPT mapping that makes every write of a
 * mediated HPET page trap (vmx/ept.c). The partition here owns comparator
 * 0 and IOAPIC pins 20 and 21, like 'rtos' in configs/demo.c; the chip
 * has 3 comparators that can drive pins 0-23 (Bochs). */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vmx/ept.h"
#include "vmx/hpet_policy.h"

#define ROUTE_CAP_ALL 0x00FFFFFFull
#define T_CONF(n) HPET_TIMER_REG(n, HPET_TN_CONF)
#define T_CMP(n) HPET_TIMER_REG(n, HPET_TN_COMPARATOR)
#define T_FSB(n) HPET_TIMER_REG(n, HPET_TN_FSB_ROUTE)
#define ROUTE(pin) ((uint64_t)(pin) << HPET_TN_ROUTE_SHIFT)
#define CONF_OLD (ROUTE_CAP_ALL << 32 | 0x30) /* 64-bit and periodic capable, disabled, route 0 */

static const struct hpet_rights rtos = {.timers = 1u << 0, .pins = 1u << 20 | 1u << 21, .timer_count = 3};
static const struct hpet_rights alone = {.timers = 7, .pins = 1u << 20, .timer_count = 3, .sole_user = true};

static struct hpet_decision w(const struct hpet_rights *r, uint32_t off, unsigned size, uint64_t old, uint64_t v)
{
    return hpet_policy_write(r, off, size, old, v);
}

static void check_refused(int line, struct hpet_decision d, const char *why_part)
{
    if (d.verdict != HPET_REFUSE || !d.why || !strstr(d.why, why_part)) {
        char m[256];
        snprintf(m, sizeof m, "want refusal with '%s', got verdict %d (%s)", why_part, d.verdict,
                 d.why ? d.why : "no reason");
        unit_fail(__FILE__, line, m);
    }
}
#define CHECK_REFUSED(d, why) check_refused(__LINE__, (d), (why))

static void check_applied(int line, struct hpet_decision d, uint64_t value)
{
    if (d.verdict != HPET_APPLY || d.value != value) {
        char m[256];
        snprintf(m, sizeof m, "want write of 0x%llx, got verdict %d value 0x%llx (%s)", (unsigned long long)value,
                 d.verdict, (unsigned long long)d.value, d.why ? d.why : "");
        unit_fail(__FILE__, line, m);
    }
}
#define CHECK_APPLIED(d, v) check_applied(__LINE__, (d), (v))

TEST(hpet_own_comparator_armed_to_own_pin)
{
    uint64_t conf = ROUTE(20) | HPET_TN_INT_ENB;
    CHECK_APPLIED(w(&rtos, T_CONF(0), 4, CONF_OLD, conf), conf);
    CHECK_APPLIED(w(&rtos, T_CONF(0), 4, CONF_OLD, ROUTE(21) | HPET_TN_INT_ENB | HPET_TN_INT_LEVEL | HPET_TN_PERIODIC),
                  ROUTE(21) | HPET_TN_INT_ENB | HPET_TN_INT_LEVEL | HPET_TN_PERIODIC);
    CHECK_APPLIED(w(&rtos, T_CONF(0), 8, CONF_OLD, conf | 0x1234ull << 32), conf | 0x1234ull << 32);
    CHECK_APPLIED(w(&rtos, T_CMP(0), 4, 0, 0x12345678), 0x12345678);
    CHECK_APPLIED(w(&rtos, T_CMP(0) + 4, 4, 0, 0xFFFFFFFF), 0xFFFFFFFF);
    CHECK_APPLIED(w(&rtos, T_CMP(0), 8, 0, 0x1122334455667788ull), 0x1122334455667788ull);
}

TEST(hpet_disabled_comparator_keeps_any_route)
{
    /* Firmware left route 0; disabling (or changing the mode of) a
     * disabled comparator without touching the route drives nothing. */
    CHECK_APPLIED(w(&rtos, T_CONF(0), 4, CONF_OLD, 0), 0);
    CHECK_APPLIED(w(&rtos, T_CONF(0), 4, CONF_OLD | ROUTE(4), ROUTE(4) | HPET_TN_32MODE), ROUTE(4) | HPET_TN_32MODE);
    /* ... but enabling it there is a route to a pin not its own. */
    CHECK_REFUSED(w(&rtos, T_CONF(0), 4, CONF_OLD | ROUTE(4), ROUTE(4) | HPET_TN_INT_ENB), "not this partition's");
}

TEST(hpet_fsb_delivery_refused)
{
    CHECK_REFUSED(w(&rtos, T_CONF(0), 4, CONF_OLD, ROUTE(20) | HPET_TN_FSB_EN | HPET_TN_INT_ENB), "Tn_FSB_EN_CNF");
    CHECK_REFUSED(w(&rtos, T_CONF(0), 4, CONF_OLD, HPET_TN_FSB_EN), "Tn_FSB_EN_CNF"); /* even disabled */
    CHECK_REFUSED(w(&rtos, T_CONF(0), 8, CONF_OLD, HPET_TN_FSB_EN | ROUTE(20)), "Tn_FSB_EN_CNF");
    CHECK_REFUSED(w(&rtos, T_FSB(0), 4, 0, 0xDEADBEEF), "Tn_FSB_INT_ROUTE");
    CHECK_REFUSED(w(&rtos, T_FSB(0) + 4, 4, 0, 0x0C000000), "Tn_FSB_INT_ROUTE");
    CHECK_REFUSED(w(&rtos, T_FSB(0), 8, 0, 0x0C000000DEADBEEFull), "Tn_FSB_INT_ROUTE");
}

TEST(hpet_route_to_foreign_or_incapable_pin_refused)
{
    CHECK_REFUSED(w(&rtos, T_CONF(0), 4, CONF_OLD, ROUTE(4) | HPET_TN_INT_ENB), "not this partition's");
    CHECK_REFUSED(w(&rtos, T_CONF(0), 4, CONF_OLD, ROUTE(22)), "not this partition's"); /* route change, disabled */
    CHECK_REFUSED(w(&rtos, T_CONF(0), 4, CONF_OLD, ROUTE(31) | HPET_TN_INT_ENB), "not this partition's");
    uint64_t cap_20_only = 1ull << 52 | 0x30; /* Tn_INT_ROUTE_CAP = pin 20 */
    CHECK_REFUSED(w(&rtos, T_CONF(0), 4, cap_20_only, ROUTE(21) | HPET_TN_INT_ENB), "Tn_INT_ROUTE_CAP");
    CHECK_APPLIED(w(&rtos, T_CONF(0), 4, cap_20_only, ROUTE(20) | HPET_TN_INT_ENB), ROUTE(20) | HPET_TN_INT_ENB);
}

TEST(hpet_foreign_comparator_refused)
{
    CHECK_REFUSED(w(&rtos, T_CONF(1), 4, CONF_OLD, ROUTE(20) | HPET_TN_INT_ENB), "not this partition's");
    CHECK_REFUSED(w(&rtos, T_CMP(2), 4, 0, 1), "not this partition's");
    CHECK_REFUSED(w(&rtos, T_CMP(1) + 4, 4, 0, 1), "not this partition's");
    CHECK_REFUSED(w(&rtos, T_CONF(3), 4, 0, 0), "no such comparator"); /* the chip has 3 */
    CHECK_REFUSED(w(&alone, T_CONF(23), 4, 0, 0), "no such comparator");
}

TEST(hpet_legacy_replacement_refused)
{
    CHECK_REFUSED(w(&rtos, HPET_GEN_CONF, 4, HPET_GEN_ENABLE, HPET_GEN_ENABLE | HPET_GEN_LEG_RT), "LEG_RT_CNF");
    CHECK_REFUSED(w(&alone, HPET_GEN_CONF, 8, HPET_GEN_ENABLE, HPET_GEN_LEG_RT), "LEG_RT_CNF");
    CHECK_APPLIED(w(&rtos, HPET_GEN_CONF, 4, HPET_GEN_ENABLE, HPET_GEN_ENABLE), HPET_GEN_ENABLE);
    /* The high (reserved) half leaves LEG_RT_CNF as it is. */
    CHECK_APPLIED(w(&rtos, HPET_GEN_CONF + 4, 4, HPET_GEN_ENABLE, 0), 0);
}

TEST(hpet_shared_counter_only_for_sole_user)
{
    CHECK_REFUSED(w(&rtos, HPET_GEN_CONF, 4, HPET_GEN_ENABLE, 0), "ENABLE_CNF");
    CHECK_APPLIED(w(&alone, HPET_GEN_CONF, 4, HPET_GEN_ENABLE, 0), 0);
    CHECK_REFUSED(w(&rtos, HPET_MAIN_COUNTER, 8, 5, 0), "main counter");
    CHECK_REFUSED(w(&rtos, HPET_MAIN_COUNTER + 4, 4, 5, 0), "main counter");
    CHECK_APPLIED(w(&alone, HPET_MAIN_COUNTER, 8, 5, 0), 0);
}

TEST(hpet_status_clears_only_own_bits)
{
    CHECK_APPLIED(w(&rtos, HPET_GINTR_STA, 4, 7, 0xFFFFFFFF), 1);
    CHECK_APPLIED(w(&rtos, HPET_GINTR_STA, 8, 7, ~0ull), 1);
    CHECK_EQ(w(&rtos, HPET_GINTR_STA, 4, 7, 6).verdict, HPET_IGNORE); /* others' bits only */
    CHECK_EQ(w(&rtos, HPET_GINTR_STA + 4, 4, 0, 0xFFFFFFFF).verdict, HPET_IGNORE);
}

TEST(hpet_read_only_ignored_reserved_and_odd_accesses_refused)
{
    CHECK_EQ(w(&rtos, HPET_GCAP_ID, 4, 0, 0).verdict, HPET_IGNORE);
    CHECK_EQ(w(&rtos, T_CONF(0) + 4, 4, CONF_OLD, 0).verdict, HPET_IGNORE); /* Tn_INT_ROUTE_CAP */
    CHECK_REFUSED(w(&rtos, 0x008, 4, 0, 0), "reserved");
    CHECK_REFUSED(w(&rtos, 0x0F8, 8, 0, 0), "reserved");
    CHECK_REFUSED(w(&rtos, HPET_TIMER_REG(0, 0x18), 4, 0, 0), "reserved");
    CHECK_REFUSED(w(&rtos, 0x400, 4, 0, 0), "beyond");
    CHECK_REFUSED(w(&rtos, T_CMP(0), 2, 0, 0), "aligned 32- or 64-bit");
    CHECK_REFUSED(w(&rtos, T_CMP(0) + 2, 4, 0, 0), "aligned 32- or 64-bit");
    CHECK_REFUSED(w(&rtos, T_CMP(0) + 4, 8, 0, 0), "aligned 32- or 64-bit");
}

TEST(hpet_register_names)
{
    char b[32];
    CHECK_STR(hpet_register_name(T_CONF(0), b, sizeof b), "T0_CONF");
    CHECK_STR(hpet_register_name(T_CMP(2) + 4, b, sizeof b), "T2_COMPARATOR_HI");
    CHECK_STR(hpet_register_name(T_FSB(1), b, sizeof b), "T1_FSB_ROUTE");
    CHECK_STR(hpet_register_name(HPET_GEN_CONF, b, sizeof b), "GEN_CONF");
    CHECK_STR(hpet_register_name(HPET_MAIN_COUNTER + 4, b, sizeof b), "MAIN_COUNTER_HI");
    CHECK_STR(hpet_register_name(0x28, b, sizeof b), "reserved");
    CHECK_STR(hpet_register_name(HPET_TIMER_REG(0, 0x18), b, sizeof b), "reserved");
}

/* ------------------------------------------------------------------ EPT */

#define ARENA_PAGES 64
#define ARENA_BASE 0x10000000ull

static uint8_t *arena;
static unsigned used_pages;

static uint64_t alloc_table(void *ctx)
{
    (void)ctx;
    return used_pages == ARENA_PAGES ? 0 : ARENA_BASE + (uint64_t)used_pages++ * PAGE_SIZE;
}

static void *to_virt(uint64_t pa) { return arena + (pa - ARENA_BASE); }

TEST(hpet_page_mapped_read_only_uncached)
{
    static const struct cfg_partition p = {
        .name = "p",
        .cpus = 1,
        .mem_count = 2,
        .mem = {{CFG_MEM_RAM, 0, MiB(64), MiB(2)}, {CFG_MEM_HPET, 0xFED00000, 0xFED00000, 0x1000}},
        .hpet_timers = 1,
    };
    arena = aligned_alloc(PAGE_SIZE, ARENA_PAGES * PAGE_SIZE);
    memset(arena, 0, ARENA_PAGES * PAGE_SIZE);
    used_pages = 0;
    struct page_table pt = {.alloc_table = alloc_table, .phys_to_virt = to_virt};
    uint64_t eptp, pa;
    unsigned flags;
    CHECK_EQ(ept_build(&pt, &p, &eptp), 0);
    CHECK_EQ(pt_lookup(&pt, 0xFED00108, &pa, &flags, NULL), 0);
    CHECK_EQ(pa, 0xFED00108ull);
    CHECK_EQ(flags, PT_READ | PT_UNCACHED); /* no write, no execute: every write exits */
    CHECK_EQ(ept_region_flags(CFG_MEM_MMIO), PT_READ | PT_WRITE | PT_UNCACHED);
    free(arena);
}
