/* NMI classification, the injection decision and event fix-ups
 * (vmx/nmi_policy.c). */
#include "unit.h"
#include "vmx/nmi_policy.h"
#include "vmx/vmcs_fields.h"

#define CR0_PE 1ull
#define GP_WITH_ERROR (INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | INTR_DELIVER_ERROR | 13)

TEST(hypervisor_signals_come_first_in_order)
{
    volatile uint32_t kicks = 1;
    CHECK_EQ(nmi_classify(true, true, true, &kicks), NMI_FOR_PANIC);
    CHECK_EQ(nmi_classify(false, true, true, &kicks), NMI_FOR_STOP);
    CHECK_EQ(nmi_classify(false, false, true, &kicks), NMI_FOR_INIT);
    CHECK_EQ(kicks, 1); /* a signal takes no kick credit */
}

TEST(each_kick_takes_one_credit_then_nmis_are_the_guests)
{
    volatile uint32_t kicks = 2;
    CHECK_EQ(nmi_classify(false, false, false, &kicks), NMI_FOR_KICK);
    CHECK_EQ(kicks, 1);
    CHECK_EQ(nmi_classify(false, false, false, &kicks), NMI_FOR_KICK);
    CHECK_EQ(kicks, 0);
    CHECK_EQ(nmi_classify(false, false, false, &kicks), NMI_FOR_GUEST);
    CHECK_EQ(nmi_classify(false, false, false, &kicks), NMI_FOR_GUEST);
    CHECK_EQ(kicks, 0); /* never below zero */
}

TEST(nothing_queued_means_nothing_to_do)
{
    CHECK_EQ(nmi_decide(0, BLOCKING_BY_NMI, GP_WITH_ERROR, ACTIVITY_ACTIVE), NMI_NOTHING);
    CHECK_EQ(nmi_decide(0, 0, 0, ACTIVITY_WAIT_SIPI), NMI_NOTHING);
}

TEST(injected_when_the_guest_can_take_it)
{
    CHECK_EQ(nmi_decide(1, 0, 0, ACTIVITY_ACTIVE), NMI_INJECT);
    CHECK_EQ(nmi_decide(5, 0, 0, ACTIVITY_HLT), NMI_INJECT); /* an NMI ends a HLT */
    CHECK_EQ(nmi_decide(1, BLOCKING_BY_SMI, 0, ACTIVITY_ACTIVE), NMI_INJECT);
    /* The valid bit clear: what the last exit left there is no event. */
    CHECK_EQ(nmi_decide(1, 0, GP_WITH_ERROR & ~INTR_INFO_VALID, ACTIVITY_ACTIVE), NMI_INJECT);
}

TEST(waits_for_the_window_while_blocked)
{
    CHECK_EQ(nmi_decide(1, BLOCKING_BY_NMI, 0, ACTIVITY_ACTIVE), NMI_WAIT_WINDOW);
    CHECK_EQ(nmi_decide(1, BLOCKING_BY_MOV_SS, 0, ACTIVITY_ACTIVE), NMI_WAIT_WINDOW);
    CHECK_EQ(nmi_decide(1, BLOCKING_BY_STI, 0, ACTIVITY_ACTIVE), NMI_WAIT_WINDOW);
    CHECK_EQ(nmi_decide(2, BLOCKING_BY_NMI | BLOCKING_BY_STI, 0, ACTIVITY_HLT), NMI_WAIT_WINDOW);
}

TEST(one_event_per_entry)
{
    CHECK_EQ(nmi_decide(1, 0, GP_WITH_ERROR, ACTIVITY_ACTIVE), NMI_WAIT_WINDOW);
    CHECK_EQ(nmi_decide(1, 0, INTR_INFO_VALID | INTR_TYPE_EXTERNAL | 0x30, ACTIVITY_ACTIVE), NMI_WAIT_WINDOW);
    CHECK_EQ(nmi_decide(1, 0, INTR_INFO_VALID | INTR_TYPE_NMI | NMI_VECTOR, ACTIVITY_ACTIVE), NMI_WAIT_WINDOW);
}

TEST(a_cpu_waiting_for_sipi_takes_none)
{
    CHECK_EQ(nmi_decide(3, 0, 0, ACTIVITY_WAIT_SIPI), NMI_DROP_WAITING);
}

TEST(no_error_code_in_real_mode)
{
    CHECK_EQ(intr_info_for_guest_mode(GP_WITH_ERROR, 0x10), GP_WITH_ERROR & ~INTR_DELIVER_ERROR);
    CHECK_EQ(intr_info_for_guest_mode(GP_WITH_ERROR, 0x11), GP_WITH_ERROR);
    CHECK_EQ(intr_info_for_guest_mode(GP_WITH_ERROR, 0x80000011), GP_WITH_ERROR);
    uint32_t ud = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | 6;
    CHECK_EQ(intr_info_for_guest_mode(ud, 0), ud);
    CHECK_EQ(intr_info_for_guest_mode(ud, CR0_PE), ud);
}

TEST(redelivery_copies_the_event_and_drops_bit_12)
{
    CHECK_EQ(intr_info_redeliver(0), 0);
    CHECK_EQ(intr_info_redeliver(GP_WITH_ERROR & ~INTR_INFO_VALID), 0);
    CHECK_EQ(intr_info_redeliver(GP_WITH_ERROR | INTR_INFO_UNDEFINED_BIT12), GP_WITH_ERROR);
    uint32_t pf = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | INTR_DELIVER_ERROR | 14;
    CHECK_EQ(intr_info_redeliver(pf), pf);
    uint32_t ext = INTR_INFO_VALID | INTR_TYPE_EXTERNAL | 0xEF;
    CHECK_EQ(intr_info_redeliver(ext), ext);
    uint32_t nmi = INTR_INFO_VALID | INTR_TYPE_NMI | NMI_VECTOR;
    CHECK_EQ(intr_info_redeliver(nmi | (1u << 30)), nmi); /* reserved bits 30:12 are never set in entry info */
}

TEST(software_events_take_an_instruction_length)
{
    CHECK(intr_info_needs_instr_len(INTR_INFO_VALID | INTR_TYPE_SW_INTERRUPT | 0x80));
    CHECK(intr_info_needs_instr_len(INTR_INFO_VALID | INTR_TYPE_SW_EXCEPTION | 3));
    CHECK(intr_info_needs_instr_len(INTR_INFO_VALID | INTR_TYPE_PRIV_SW_EXCEPTION | 1));
    CHECK(!intr_info_needs_instr_len(INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | 13));
    CHECK(!intr_info_needs_instr_len(INTR_INFO_VALID | INTR_TYPE_NMI | 2));
    CHECK(!intr_info_needs_instr_len(INTR_INFO_VALID | INTR_TYPE_EXTERNAL | 0x30));
}
