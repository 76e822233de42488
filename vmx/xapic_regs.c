/* xAPIC register map (vmx/xapic_regs.h). Offsets: SDM Vol. 3A Table
 * 11-1; their x2APIC MSRs: Table 11-6. */
#include "vmx/xapic_regs.h"

#define OFF_ID 0x020
#define OFF_VERSION 0x030
#define OFF_TPR 0x080
#define OFF_APR 0x090
#define OFF_PPR 0x0A0
#define OFF_EOI 0x0B0
#define OFF_LDR 0x0D0
#define OFF_DFR 0x0E0
#define OFF_SVR 0x0F0
#define OFF_ISR_FIRST 0x100 /* ISR, TMR, IRR: 0x100-0x270 */
#define OFF_IRR_LAST 0x270
#define OFF_ESR 0x280
#define OFF_LVT_CMCI 0x2F0
#define OFF_ICR_LOW 0x300
#define OFF_ICR_HIGH 0x310
#define OFF_LVT_FIRST 0x320 /* timer, thermal, perf, LINT0, LINT1, error */
#define OFF_LVT_LAST 0x370
#define OFF_TIMER_INITIAL 0x380
#define OFF_TIMER_CURRENT 0x390
#define OFF_TIMER_DIVIDE 0x3E0
#define DIVIDE_WRITABLE 0xBu /* bits 0, 1, 3 */
#define BROADCAST8 0xFFu

static struct xapic_reg reg(enum xapic_reg_kind kind, uint32_t offset, uint32_t write_mask)
{
    return (struct xapic_reg){kind, 0x800u + (offset >> 4), write_mask};
}

struct xapic_reg xapic_reg_at(uint32_t offset)
{
    uint32_t o = offset & 0xFF0u;
    if (offset >= XAPIC_PAGE_SIZE)
        return reg(XAPIC_RESERVED, 0, 0);
    switch (o) {
    case OFF_ID: return reg(XAPIC_ID, o, 0);
    case OFF_VERSION: case OFF_PPR: case OFF_TIMER_CURRENT: return reg(XAPIC_READ_ONLY, o, 0);
    case OFF_TPR: return reg(XAPIC_READ_WRITE, o, 0xFFu);
    case OFF_APR: return reg(XAPIC_APR, o, 0);
    case OFF_EOI: return reg(XAPIC_EOI, o, 0);
    case OFF_LDR: return reg(XAPIC_LDR, o, 0);
    case OFF_DFR: return reg(XAPIC_DFR, o, 0);
    case OFF_SVR: return reg(XAPIC_SVR, o, 0);
    case OFF_ESR: return reg(XAPIC_ESR, o, 0);
    case OFF_LVT_CMCI: return reg(XAPIC_LVT, o, 0);
    case OFF_ICR_LOW: return reg(XAPIC_ICR_LOW, o, 0);
    case OFF_ICR_HIGH: return reg(XAPIC_ICR_HIGH, o, 0);
    case OFF_TIMER_INITIAL: return reg(XAPIC_READ_WRITE, o, 0xFFFFFFFFu);
    case OFF_TIMER_DIVIDE: return reg(XAPIC_READ_WRITE, o, DIVIDE_WRITABLE);
    }
    if (o >= OFF_ISR_FIRST && o <= OFF_IRR_LAST)
        return reg(XAPIC_READ_ONLY, o, 0);
    if (o >= OFF_LVT_FIRST && o <= OFF_LVT_LAST)
        return reg(XAPIC_LVT, o, 0);
    return reg(XAPIC_RESERVED, 0, 0);
}

uint32_t xapic_icr_low_for_x2apic(uint32_t low)
{
    return low & XAPIC_ICR_WRITABLE & ~XAPIC_ICR_LOGICAL & ~(1u << 12);
}

uint32_t xapic_physical_dest(uint32_t icr_high)
{
    uint32_t dest = icr_high >> 24;
    return dest == BROADCAST8 ? 0xFFFFFFFFu : dest;
}

static bool logical_match(uint32_t dest, uint32_t ldr, uint32_t dfr)
{
    uint32_t id = ldr >> 24;
    if ((dfr & XAPIC_DFR_MODEL_MASK) == XAPIC_DFR_MODEL_MASK) /* flat */
        return (id & dest) != 0;
    return (id >> 4) == (dest >> 4) && (id & dest & 0xFu) != 0; /* cluster */
}

uint32_t xapic_logical_targets(uint32_t icr_high, const uint32_t *ldr, const uint32_t *dfr, uint32_t n)
{
    uint32_t dest = icr_high >> 24, targets = 0;
    for (uint32_t k = 0; k < n && k < 32; k++)
        if (dest == BROADCAST8 || logical_match(dest, ldr[k], dfr[k]))
            targets |= 1u << k;
    return targets;
}

uint32_t xapic_apr(uint32_t tpr, uint32_t isrv, uint32_t irrv)
{
    uint32_t t = (tpr >> 4) & 0xF, s = (isrv >> 4) & 0xF, r = (irrv >> 4) & 0xF;
    if (t >= r && t > s)
        return tpr & 0xFF;
    uint32_t top = MAX(t, MAX(s, r));
    return top << 4;
}
