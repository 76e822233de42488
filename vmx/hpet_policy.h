/* Which writes a partition may make to the shared HPET (IA-PC HPET
 * specification 1.0a, 2.3): the decision alone, pure and host-tested
 * (tests/unit/test_hpet_policy.c); vmx/hpet_emul.c applies it.
 *
 * The HPET is dangerous raw: a comparator with Tn_FSB_EN_CNF delivers its
 * interrupt as a 32-bit memory write of any value to any physical address
 * (an MSI on real chipsets, a raw write under Bochs and QEMU: EPT never
 * sees it); Tn_INT_ROUTE_CNF drives any IOAPIC input; LEG_RT_CNF takes
 * IRQ0 and IRQ8 over. So a partition may write only:
 *   - Tn_CONF of its own comparators, FSB delivery off, routed to one of
 *     its own IOAPIC pins that the comparator can drive (Tn_INT_ROUTE_CAP);
 *     a disabled comparator may keep the route it has;
 *   - Tn_COMPARATOR of its own comparators;
 *   - GEN_CONF without LEG_RT_CNF; ENABLE_CNF changed, and the main
 *     counter written, only by the HPET's sole user (it stops or moves
 *     every comparator);
 *   - GINTR_STA, write-1-to-clear, its own comparators' bits (others'
 *     bits are dropped from the value).
 * Never Tn_FSB_INT_ROUTE nor reserved registers. Writes to read-only
 * registers (GCAP_ID, Tn_INT_ROUTE_CAP in Tn_CONF's high half) are
 * ignored, as the hardware does. Accesses are aligned 32- or 64-bit
 * (spec 2.3); a 32-bit write is judged by the 64-bit register it leaves. */
#ifndef VMX_HPET_POLICY_H
#define VMX_HPET_POLICY_H

#include "hv/types.h"

/* Register layout (spec 2.3, Table 2). */
#define HPET_REGS_SIZE 0x400 /* the register block; the rest of the page is reserved */
#define HPET_GCAP_ID 0x000
#define HPET_GEN_CONF 0x010
#define HPET_GINTR_STA 0x020
#define HPET_MAIN_COUNTER 0x0F0
#define HPET_TIMER_BASE 0x100
#define HPET_TIMER_STRIDE 0x20
#define HPET_TN_CONF 0x00
#define HPET_TN_COMPARATOR 0x08
#define HPET_TN_FSB_ROUTE 0x10
#define HPET_TIMER_REG(n, reg) (HPET_TIMER_BASE + HPET_TIMER_STRIDE * (n) + (reg))

#define HPET_GEN_ENABLE (1u << 0)
#define HPET_GEN_LEG_RT (1u << 1)
#define HPET_TN_INT_LEVEL (1u << 1)
#define HPET_TN_INT_ENB (1u << 2)
#define HPET_TN_PERIODIC (1u << 3)
#define HPET_TN_VAL_SET (1u << 6)
#define HPET_TN_32MODE (1u << 8)
#define HPET_TN_ROUTE_SHIFT 9
#define HPET_TN_ROUTE_MASK (0x1Fu << HPET_TN_ROUTE_SHIFT)
#define HPET_TN_FSB_EN (1u << 14)

/* What one partition owns of the HPET. */
struct hpet_rights {
    uint32_t timers;      /* its comparators: bit n = timer n */
    uint32_t pins;        /* its IOAPIC pins: bit n = GSI n */
    uint32_t timer_count; /* comparators the chip has (GCAP_ID NUM_TIM_CAP + 1) */
    bool sole_user;       /* no other partition has any comparator */
};

enum hpet_verdict {
    HPET_APPLY,  /* write `value` at the access's offset and width */
    HPET_IGNORE, /* read-only: nothing to write (as the hardware does) */
    HPET_REFUSE, /* stop the partition: `why` */
};

struct hpet_decision {
    enum hpet_verdict verdict;
    uint64_t value;
    const char *why;
};

/* A write of `value` (size 4 or 8 bytes) at byte `offset` of the HPET
 * page; `old` is the 64-bit register holding that offset (at offset & ~7)
 * as the chip reads now. */
struct hpet_decision hpet_policy_write(const struct hpet_rights *r, uint32_t offset, unsigned size, uint64_t old,
                                       uint64_t value);

/* The register at `offset`, for messages: "T0_CONF", "GEN_CONF", ...,
 * "reserved"; the high half of a 64-bit register gets "_HI". */
const char *hpet_register_name(uint32_t offset, char *buf, size_t len);

#endif
