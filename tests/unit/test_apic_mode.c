/* Guest APIC modes (vmx/apic_mode.c): IA32_APIC_BASE values and the
 * transitions of SDM Vol. 3A 11.12.5; and the xAPIC register map
 * (vmx/xapic_regs.c): offsets to x2APIC MSRs, ICR translation, logical
 * destinations, APR. */
#include <string.h>

#include "unit.h"
#include "vmx/apic_mode.h"
#include "vmx/xapic_regs.h"

#define BASE 0xFEE00000ull
#define EN APIC_BASE_EN
#define EXTD APIC_BASE_EXTD
#define BSP APIC_BASE_BSP
#define PHYS 39
#define NO_MODE ((enum apic_mode)99)

/* The mode the write leaves, or NO_MODE for #GP (with a reason). */
static enum apic_mode write(enum apic_mode from, uint64_t value)
{
    enum apic_mode to = NO_MODE;
    const char *why = "unset";
    if (!apic_base_transition(from, value, PHYS, &to, &why)) {
        if (why == NULL || !strstr(why, "IA32_APIC_BASE"))
            unit_fail(__FILE__, __LINE__, "a #GP without a reason");
        return NO_MODE;
    }
    CHECK(why == NULL);
    return to;
}

TEST(base_values)
{
    CHECK_EQ(apic_base_value(APIC_MODE_XAPIC, true), BASE | EN | BSP);
    CHECK_EQ(apic_base_value(APIC_MODE_X2APIC, true), BASE | EN | EXTD | BSP);
    CHECK_EQ(apic_base_value(APIC_MODE_X2APIC, false), BASE | EN | EXTD);
    CHECK_EQ(apic_base_value(APIC_MODE_DISABLED, false), BASE);
}

/* Figure 11-27's legal arrows, and writing the mode it is already in. */
TEST(legal_transitions)
{
    CHECK_EQ(write(APIC_MODE_XAPIC, BASE | EN | EXTD), APIC_MODE_X2APIC);
    CHECK_EQ(write(APIC_MODE_X2APIC, BASE), APIC_MODE_DISABLED);
    CHECK_EQ(write(APIC_MODE_XAPIC, BASE), APIC_MODE_DISABLED);
    CHECK_EQ(write(APIC_MODE_DISABLED, BASE | EN), APIC_MODE_XAPIC);
    CHECK_EQ(write(APIC_MODE_XAPIC, BASE | EN), APIC_MODE_XAPIC);
    CHECK_EQ(write(APIC_MODE_X2APIC, BASE | EN | EXTD), APIC_MODE_X2APIC);
    CHECK_EQ(write(APIC_MODE_DISABLED, BASE), APIC_MODE_DISABLED);
    /* What Linux writes: the value read, EN and EXTD or'ed in (BSP kept). */
    CHECK_EQ(write(APIC_MODE_XAPIC, BASE | EN | EXTD | BSP), APIC_MODE_X2APIC);
}

TEST(illegal_transitions_gp)
{
    CHECK_EQ(write(APIC_MODE_X2APIC, BASE | EN), NO_MODE);      /* x2APIC -> xAPIC directly */
    CHECK_EQ(write(APIC_MODE_DISABLED, BASE | EN | EXTD), NO_MODE); /* disabled -> x2APIC */
    CHECK_EQ(write(APIC_MODE_XAPIC, BASE | EXTD), NO_MODE);     /* EXTD without EN */
    CHECK_EQ(write(APIC_MODE_X2APIC, BASE | EXTD), NO_MODE);
    CHECK_EQ(write(APIC_MODE_DISABLED, BASE | EXTD), NO_MODE);
}

TEST(reserved_bits_gp)
{
    for (unsigned b = 0; b < 8; b++)
        CHECK_EQ(write(APIC_MODE_XAPIC, BASE | EN | (1ull << b)), NO_MODE);
    CHECK_EQ(write(APIC_MODE_XAPIC, BASE | EN | (1ull << 9)), NO_MODE);
    CHECK_EQ(write(APIC_MODE_XAPIC, BASE | EN | (1ull << PHYS)), NO_MODE);
    CHECK_EQ(write(APIC_MODE_XAPIC, BASE | EN | (1ull << 63)), NO_MODE);
    CHECK_EQ(write(APIC_MODE_XAPIC, BASE | EN | (1ull << (PHYS - 1))), NO_MODE); /* a legal bit, but a move */
    enum apic_mode to;
    const char *why;
    CHECK(apic_base_transition(APIC_MODE_XAPIC, BASE | EN, 64, &to, &why)); /* no bits above a 64-bit width */
}

TEST(base_move_refused_only_when_enabled)
{
    CHECK_EQ(write(APIC_MODE_XAPIC, 0xFEC00000ull | EN), NO_MODE);
    CHECK_EQ(write(APIC_MODE_X2APIC, 0xFEE01000ull | EN | EXTD), NO_MODE);
    CHECK_EQ(write(APIC_MODE_DISABLED, 0x1000ull | EN), NO_MODE);
    CHECK_EQ(write(APIC_MODE_X2APIC, 0), APIC_MODE_DISABLED); /* base bits of a disabled APIC do not matter */
    CHECK_EQ(write(APIC_MODE_XAPIC, 0xFEC00000ull), APIC_MODE_DISABLED);
}

TEST(bsp_bit_written_is_ignored)
{
    CHECK_EQ(write(APIC_MODE_XAPIC, BASE | EN | BSP), APIC_MODE_XAPIC);
    CHECK_EQ(write(APIC_MODE_X2APIC, BASE | BSP), APIC_MODE_DISABLED);
}

TEST(x2apic_msrs_fault_outside_x2apic_mode)
{
    CHECK(apic_mode_msr_faults(APIC_MODE_XAPIC, 0x800));
    CHECK(apic_mode_msr_faults(APIC_MODE_XAPIC, 0x80B));
    CHECK(apic_mode_msr_faults(APIC_MODE_XAPIC, 0x8FF));
    CHECK(apic_mode_msr_faults(APIC_MODE_DISABLED, 0x830));
    CHECK(!apic_mode_msr_faults(APIC_MODE_X2APIC, 0x80B));
    CHECK(!apic_mode_msr_faults(APIC_MODE_XAPIC, 0x7FF));
    CHECK(!apic_mode_msr_faults(APIC_MODE_XAPIC, 0x900));
    CHECK(!apic_mode_msr_faults(APIC_MODE_XAPIC, 0x1B));   /* APIC_BASE itself */
    CHECK(!apic_mode_msr_faults(APIC_MODE_XAPIC, 0x6E0));  /* TSC_DEADLINE works in xAPIC mode */
    CHECK(!apic_mode_msr_faults(APIC_MODE_DISABLED, 0x1B));
}

/* ---------------------------------------------------------- register map */

static void check_reg(uint32_t offset, enum xapic_reg_kind kind, uint32_t msr)
{
    struct xapic_reg r = xapic_reg_at(offset);
    if (r.kind != kind || (kind != XAPIC_RESERVED && r.msr != msr)) {
        char m[128];
        snprintf(m, sizeof m, "offset 0x%x: kind %d msr 0x%x, expected %d 0x%x", offset, r.kind, r.msr, kind, msr);
        unit_fail(__FILE__, __LINE__, m);
    }
}

TEST(offsets_map_to_the_msr_of_the_same_register)
{
    check_reg(0x020, XAPIC_ID, 0x802);
    check_reg(0x030, XAPIC_READ_ONLY, 0x803);
    check_reg(0x080, XAPIC_READ_WRITE, 0x808);
    check_reg(0x090, XAPIC_APR, 0x809);
    check_reg(0x0A0, XAPIC_READ_ONLY, 0x80A);
    check_reg(0x0B0, XAPIC_EOI, 0x80B);
    check_reg(0x0D0, XAPIC_LDR, 0x80D);
    check_reg(0x0E0, XAPIC_DFR, 0x80E);
    check_reg(0x0F0, XAPIC_SVR, 0x80F);
    check_reg(0x100, XAPIC_READ_ONLY, 0x810); /* ISR */
    check_reg(0x180, XAPIC_READ_ONLY, 0x818); /* TMR */
    check_reg(0x270, XAPIC_READ_ONLY, 0x827); /* IRR 7 */
    check_reg(0x280, XAPIC_ESR, 0x828);
    check_reg(0x2F0, XAPIC_LVT, 0x82F);
    check_reg(0x300, XAPIC_ICR_LOW, 0x830);
    check_reg(0x310, XAPIC_ICR_HIGH, 0x831);
    check_reg(0x320, XAPIC_LVT, 0x832);
    check_reg(0x370, XAPIC_LVT, 0x837);
    check_reg(0x380, XAPIC_READ_WRITE, 0x838);
    check_reg(0x390, XAPIC_READ_ONLY, 0x839);
    check_reg(0x3E0, XAPIC_READ_WRITE, 0x83E);
    check_reg(0x0B4, XAPIC_EOI, 0x80B); /* any byte of the slot */
}

TEST(no_register_is_reserved)
{
    check_reg(0x000, XAPIC_RESERVED, 0);
    check_reg(0x010, XAPIC_RESERVED, 0);
    check_reg(0x0C0, XAPIC_RESERVED, 0); /* remote read */
    check_reg(0x290, XAPIC_RESERVED, 0);
    check_reg(0x3A0, XAPIC_RESERVED, 0);
    check_reg(0x3F0, XAPIC_RESERVED, 0); /* SELF_IPI: x2APIC only */
    check_reg(0x400, XAPIC_RESERVED, 0);
    check_reg(0xFF0, XAPIC_RESERVED, 0);
    check_reg(0x1000, XAPIC_RESERVED, 0);
}

TEST(write_masks)
{
    CHECK_EQ(xapic_reg_at(0x080).write_mask, 0xFF);
    CHECK_EQ(xapic_reg_at(0x380).write_mask, 0xFFFFFFFFu);
    CHECK_EQ(xapic_reg_at(0x3E0).write_mask, 0xB);
}

TEST(icr_translation)
{
    /* Fixed vector 0x41 to self by shorthand; delivery status (12) and reserved bits dropped. */
    CHECK_EQ(xapic_icr_low_for_x2apic((1u << 18) | (1u << 12) | (1u << 13) | 0xFFF00000u | 0x41), (1u << 18) | 0x41);
    CHECK_EQ(xapic_icr_low_for_x2apic(0x4500), 0x4500);  /* INIT, assert */
    CHECK_EQ(xapic_icr_low_for_x2apic(0xC4641), 0xC4641); /* all excluding self, SIPI, assert */
    CHECK_EQ(xapic_icr_low_for_x2apic(0x0841), 0x0041);  /* logical: resolved by the caller */
    CHECK_EQ(xapic_physical_dest(0x01000000u), 1);
    CHECK_EQ(xapic_physical_dest(0x00FFFFFFu), 0);       /* only 31:24 count */
    CHECK_EQ(xapic_physical_dest(0xFF000000u), 0xFFFFFFFFu); /* broadcast */
}

TEST(logical_flat)
{
    uint32_t ldr[3] = {0x01000000u, 0x02000000u, 0x04000000u};
    uint32_t dfr[3] = {XAPIC_DFR_FLAT, XAPIC_DFR_FLAT, XAPIC_DFR_FLAT};
    CHECK_EQ(xapic_logical_targets(0x01000000u, ldr, dfr, 3), 0x1);
    CHECK_EQ(xapic_logical_targets(0x06000000u, ldr, dfr, 3), 0x6);
    CHECK_EQ(xapic_logical_targets(0x08000000u, ldr, dfr, 3), 0x0); /* nobody of its CPUs */
    CHECK_EQ(xapic_logical_targets(0xFF000000u, ldr, dfr, 3), 0x7);
    CHECK_EQ(xapic_logical_targets(0x01000000u, ldr, dfr, 1), 0x1);
}

TEST(logical_cluster)
{
    uint32_t ldr[3] = {0x11000000u, 0x12000000u, 0x21000000u};
    uint32_t dfr[3] = {0x0FFFFFFFu, 0x0FFFFFFFu, 0x0FFFFFFFu};
    CHECK_EQ(xapic_logical_targets(0x13000000u, ldr, dfr, 3), 0x3);
    CHECK_EQ(xapic_logical_targets(0x21000000u, ldr, dfr, 3), 0x4);
    CHECK_EQ(xapic_logical_targets(0x31000000u, ldr, dfr, 3), 0x0);
    CHECK_EQ(xapic_logical_targets(0xFF000000u, ldr, dfr, 3), 0x7);
}

TEST(logical_unset_ldr_matches_nothing_but_broadcast)
{
    uint32_t ldr[2] = {0, 0}, dfr[2] = {XAPIC_DFR_FLAT, XAPIC_DFR_FLAT};
    CHECK_EQ(xapic_logical_targets(0x01000000u, ldr, dfr, 2), 0);
    CHECK_EQ(xapic_logical_targets(0xFF000000u, ldr, dfr, 2), 0x3);
}

TEST(arbitration_priority)
{
    CHECK_EQ(xapic_apr(0x00, 0, 0), 0x00);
    CHECK_EQ(xapic_apr(0x25, 0, 0), 0x25);
    CHECK_EQ(xapic_apr(0x25, 0x41, 0), 0x40);
    CHECK_EQ(xapic_apr(0x25, 0, 0x31), 0x30);
    CHECK_EQ(xapic_apr(0x45, 0x41, 0), 0x40); /* TPR's class not above the in-service one */
    CHECK_EQ(xapic_apr(0x45, 0x31, 0x41), 0x45);
}
