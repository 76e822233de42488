/* RIP advance and the RFLAGS fix-ups of completed instructions and
 * injected exceptions (vmx/guest_rip.c). */
#include "unit.h"
#include "vmx/guest_rip.h"
#include "vmx/vmcs_fields.h"

#define GP (INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | INTR_DELIVER_ERROR | 13)
#define UD (INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | 6)

TEST(rip_advances_by_the_length)
{
    CHECK_EQ(guest_rip_after(0x1000, 2, false), 0x1002);
    CHECK_EQ(guest_rip_after(0x1000, 15, true), 0x100F);
}

TEST(eip_wraps_at_4gib_outside_64bit_mode)
{
    CHECK_EQ(guest_rip_after(0xFFFFFFFEull, 2, false), 0);
    CHECK_EQ(guest_rip_after(0xFFFFFFFDull, 5, false), 2);
}

TEST(rip_does_not_wrap_at_4gib_in_64bit_mode)
{
    CHECK_EQ(guest_rip_after(0xFFFFFFFEull, 2, true), 0x100000000ull);
    CHECK_EQ(guest_rip_after(0xFFFFFFFFFFFFFFFEull, 2, true), 0); /* canonical wrap of the whole space */
}

TEST(ip_in_16bit_code_goes_past_64kib)
{
    /* the next fetch is beyond the CS limit: the CPU's own #GP */
    CHECK_EQ(guest_rip_after(0xFFFE, 2, false), 0x10000);
}

TEST(fault_class_exceptions)
{
    static const uint32_t faults[] = {0, 5, 6, 7, 10, 11, 12, 13, 14, 16, 17, 19, 20, 21};
    uint32_t count = 0;
    for (uint32_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        CHECK(exception_is_fault(faults[i]));
    for (uint32_t v = 0; v < 256; v++)
        count += exception_is_fault(v);
    CHECK_EQ(count, sizeof faults / sizeof faults[0]);
    CHECK(!exception_is_fault(1));  /* #DB: fault or trap */
    CHECK(!exception_is_fault(3));  /* #BP: trap */
    CHECK(!exception_is_fault(8));  /* #DF: abort */
    CHECK(!exception_is_fault(18)); /* #MC: abort */
}

TEST(injected_faults_push_rf)
{
    CHECK_EQ(rflags_for_injected_event(0x202, GP), 0x10202);
    CHECK_EQ(rflags_for_injected_event(0x2, UD), 0x10002);
    CHECK_EQ(rflags_for_injected_event(0x10002, GP), 0x10002);
}

TEST(other_events_leave_rf_alone)
{
    CHECK_EQ(rflags_for_injected_event(0x202, INTR_INFO_VALID | INTR_TYPE_NMI | 2), 0x202);
    CHECK_EQ(rflags_for_injected_event(0x202, INTR_INFO_VALID | INTR_TYPE_EXTERNAL | 0x30), 0x202);
    CHECK_EQ(rflags_for_injected_event(0x202, INTR_INFO_VALID | INTR_TYPE_SW_EXCEPTION | 3), 0x202);
    CHECK_EQ(rflags_for_injected_event(0x202, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | 8), 0x202);
    CHECK_EQ(rflags_for_injected_event(0x202, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | 1), 0x202);
}

TEST(completed_instruction_clears_rf)
{
    bool step = true;
    CHECK_EQ(rflags_after_instruction(0x10202, 0, &step), 0x202);
    CHECK(!step);
}

TEST(tf_makes_a_single_step_pending_unless_btf)
{
    bool step = false;
    CHECK_EQ(rflags_after_instruction(0x302, 0, &step), 0x302); /* TF stays: the #DB handler's frame has it */
    CHECK(step);
    rflags_after_instruction(0x302, DEBUGCTL_BTF, &step);
    CHECK(!step);
}
