/* Guest APIC mode rules (vmx/apic_mode.h). IA32_APIC_BASE layout: SDM
 * Vol. 3A 11.4.4, Figure 11-26 (bits 0-7 and 9 reserved, 8 BSP, 10 EXTD,
 * 11 EN, 12..MAXPHYADDR-1 the base); the legal mode transitions: 11.12.5,
 * Figure 11-27. */
#include "vmx/apic_mode.h"

#define RESERVED_LOW 0x2FFull /* bits 0-7 and 9 */
#define BASE_MASK (~0xFFFull)

uint64_t apic_base_value(enum apic_mode mode, bool bsp)
{
    uint64_t v = APIC_BASE_DEFAULT | (bsp ? APIC_BASE_BSP : 0);
    if (mode != APIC_MODE_DISABLED)
        v |= APIC_BASE_EN;
    if (mode == APIC_MODE_X2APIC)
        v |= APIC_BASE_EXTD;
    return v;
}

static bool gp(const char **why, const char *reason)
{
    *why = reason;
    return false;
}

bool apic_base_transition(enum apic_mode from, uint64_t value, unsigned phys_bits, enum apic_mode *to,
                          const char **why)
{
    uint64_t above_phys = phys_bits >= 64 ? 0 : ~0ull << phys_bits;
    if (value & (RESERVED_LOW | above_phys))
        return gp(why, "refused write (reserved bits) to IA32_APIC_BASE");
    bool en = value & APIC_BASE_EN, extd = value & APIC_BASE_EXTD;
    if (extd && !en)
        return gp(why, "refused write (EXTD without EN: invalid state) to IA32_APIC_BASE");
    enum apic_mode next = !en ? APIC_MODE_DISABLED : extd ? APIC_MODE_X2APIC : APIC_MODE_XAPIC;
    if (from == APIC_MODE_X2APIC && next == APIC_MODE_XAPIC)
        return gp(why, "refused write (x2APIC to xAPIC mode directly) to IA32_APIC_BASE");
    if (from == APIC_MODE_DISABLED && next == APIC_MODE_X2APIC)
        return gp(why, "refused write (disabled to x2APIC mode directly) to IA32_APIC_BASE");
    if (en && (value & BASE_MASK) != APIC_BASE_DEFAULT)
        return gp(why, "refused write (moving the APIC base from 0xFEE00000 is not supported) to IA32_APIC_BASE");
    *to = next;
    *why = NULL;
    return true;
}

bool apic_mode_msr_faults(enum apic_mode mode, uint32_t msr)
{
    return mode != APIC_MODE_X2APIC && msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST;
}
