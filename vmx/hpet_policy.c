/* HPET write policy; see hpet_policy.h. Section numbers: IA-PC HPET
 * specification 1.0a. */
#include "vmx/hpet_policy.h"

#include "hv/fmt.h"

static struct hpet_decision apply(uint64_t value) { return (struct hpet_decision){HPET_APPLY, value, NULL}; }
static struct hpet_decision ignore(void) { return (struct hpet_decision){HPET_IGNORE, 0, NULL}; }
static struct hpet_decision refuse(const char *why) { return (struct hpet_decision){HPET_REFUSE, 0, why}; }

static uint64_t width_mask(unsigned size) { return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1; }

/* The 64-bit register as the access leaves it. */
static uint64_t merged(uint64_t old, uint32_t offset, unsigned size, uint64_t value)
{
    unsigned shift = 8 * (offset & 7);
    uint64_t mask = width_mask(size) << shift;
    return (old & ~mask) | ((value << shift) & mask);
}

/* GEN_CONF (2.3.5): LEG_RT_CNF hands comparators 0 and 1 to IRQ0/IRQ8
 * (IOAPIC pins 2 and 8), whoever owns those; ENABLE_CNF halts or starts
 * the main counter under every comparator. */
static struct hpet_decision gen_conf(const struct hpet_rights *r, uint64_t old, uint64_t now, uint64_t value)
{
    if (now & HPET_GEN_LEG_RT)
        return refuse("sets LEG_RT_CNF (legacy replacement would drive IRQ0 and IRQ8)");
    if (((old ^ now) & HPET_GEN_ENABLE) && !r->sole_user)
        return refuse("changes ENABLE_CNF, which starts or halts the main counter of every comparator's owner");
    return apply(value);
}

/* Tn_CONF (2.3.8): bits 31:0 configuration, 63:32 Tn_INT_ROUTE_CAP
 * (read-only). */
static struct hpet_decision timer_conf(const struct hpet_rights *r, uint32_t offset, unsigned size, uint64_t old,
                                       uint64_t now, uint64_t value)
{
    if ((offset & 7) == 4 && size == 4)
        return ignore(); /* Tn_INT_ROUTE_CAP alone */
    uint32_t conf = (uint32_t)now, cap = (uint32_t)(old >> 32);
    uint32_t route = (conf & HPET_TN_ROUTE_MASK) >> HPET_TN_ROUTE_SHIFT;
    uint32_t old_route = ((uint32_t)old & HPET_TN_ROUTE_MASK) >> HPET_TN_ROUTE_SHIFT;
    if (conf & HPET_TN_FSB_EN)
        return refuse("sets Tn_FSB_EN_CNF (FSB delivery: a memory write to any address, an MSI)");
    if (route == old_route && !(conf & HPET_TN_INT_ENB))
        return apply(value); /* disabled, route untouched: drives nothing */
    if (route >= 32 || !(r->pins & (1u << route)))
        return refuse("routes the comparator to an IOAPIC pin that is not this partition's");
    if (!(cap & (1u << route)))
        return refuse("routes the comparator to an IOAPIC pin outside its Tn_INT_ROUTE_CAP");
    return apply(value);
}

static struct hpet_decision timer_reg(const struct hpet_rights *r, uint32_t offset, unsigned size, uint64_t old,
                                      uint64_t now, uint64_t value)
{
    uint32_t n = (offset - HPET_TIMER_BASE) / HPET_TIMER_STRIDE;
    uint32_t reg = (offset - HPET_TIMER_BASE) % HPET_TIMER_STRIDE & ~7u;
    if (n >= r->timer_count || n >= 32)
        return refuse("writes a reserved register (no such comparator)");
    if (!(r->timers & (1u << n)))
        return refuse("writes a comparator that is not this partition's");
    switch (reg) {
    case HPET_TN_CONF:
        return timer_conf(r, offset, size, old, now, value);
    case HPET_TN_COMPARATOR:
        return apply(value);
    case HPET_TN_FSB_ROUTE:
        return refuse("writes Tn_FSB_INT_ROUTE (the address and value of FSB delivery)");
    default:
        return refuse("writes a reserved register");
    }
}

struct hpet_decision hpet_policy_write(const struct hpet_rights *r, uint32_t offset, unsigned size, uint64_t old,
                                       uint64_t value)
{
    if ((size != 4 && size != 8) || (offset & (size - 1)))
        return refuse("is not an aligned 32- or 64-bit access (spec 2.3)");
    if (offset >= HPET_REGS_SIZE)
        return refuse("writes beyond the HPET's registers");
    value &= width_mask(size);
    uint64_t now = merged(old, offset, size, value);
    uint32_t reg = offset & ~7u;
    if (reg >= HPET_TIMER_BASE)
        return timer_reg(r, offset, size, old, now, value);
    switch (reg) {
    case HPET_GCAP_ID:
        return ignore();
    case HPET_GEN_CONF:
        return gen_conf(r, old, now, value);
    case HPET_GINTR_STA: { /* 2.3.6: write 1 to clear a level-triggered comparator's status */
        uint64_t own = value & ((uint64_t)r->timers >> (8 * (offset & 7)));
        return own ? apply(own) : ignore();
    }
    case HPET_MAIN_COUNTER:
        if (!r->sole_user)
            return refuse("writes the main counter, which every comparator's owner shares");
        return apply(value);
    default:
        return refuse("writes a reserved register");
    }
}

const char *hpet_register_name(uint32_t offset, char *buf, size_t len)
{
    static const char *const timer_regs[] = {"CONF", "COMPARATOR", "FSB_ROUTE", NULL};
    const char *hi = (offset & 4) ? "_HI" : "";
    uint32_t reg = offset & ~7u;
    if (offset >= HPET_REGS_SIZE)
        fmt_snprintf(buf, len, "beyond the registers");
    else if (reg >= HPET_TIMER_BASE && timer_regs[(reg - HPET_TIMER_BASE) % HPET_TIMER_STRIDE / 8])
        fmt_snprintf(buf, len, "T%u_%s%s", (reg - HPET_TIMER_BASE) / HPET_TIMER_STRIDE,
                     timer_regs[(reg - HPET_TIMER_BASE) % HPET_TIMER_STRIDE / 8], hi);
    else if (reg == HPET_GCAP_ID || reg == HPET_GEN_CONF || reg == HPET_GINTR_STA || reg == HPET_MAIN_COUNTER)
        fmt_snprintf(buf, len, "%s%s",
                     reg == HPET_GCAP_ID     ? "GCAP_ID"
                     : reg == HPET_GEN_CONF  ? "GEN_CONF"
                     : reg == HPET_GINTR_STA ? "GINTR_STA"
                                             : "MAIN_COUNTER",
                     hi);
    else
        fmt_snprintf(buf, len, "reserved");
    return buf;
}
