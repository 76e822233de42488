/* A vCPU's TSC view: writes to IA32_TSC and IA32_TSC_ADJUST as SDM Vol.
 * 3B 17.17.3 says, and the TSC-deadline translation (vmx/tsc_offset.c). */
#include "unit.h"
#include "vmx/tsc_offset.h"

#define JUMP (1ull << 40)

TEST(starts_with_the_real_tsc_and_the_real_adjust)
{
    struct tsc_view t = {123, 456, 789};
    tsc_view_start(&t, 0x55);
    CHECK_EQ(t.offset, 0);
    CHECK_EQ(t.adjust, 0x55);
    CHECK_EQ(t.deadline, 0);
    CHECK_EQ(tsc_guest_time(&t, 1000), 1000);
}

TEST(tsc_write_sets_the_guest_tsc_and_moves_adjust_by_the_delta)
{
    struct tsc_view t;
    tsc_view_start(&t, 7);
    tsc_view_write_tsc(&t, 1000 + JUMP, 1000);
    CHECK_EQ(tsc_guest_time(&t, 1000), 1000 + JUMP);
    CHECK_EQ(tsc_guest_time(&t, 1500), 1500 + JUMP); /* and it keeps counting */
    CHECK_EQ(t.adjust, 7 + JUMP);
    /* the delta is from the guest's TSC at the write, not the host's */
    tsc_view_write_tsc(&t, 2000 + JUMP, 1900);
    CHECK_EQ(tsc_guest_time(&t, 1900), 2000 + JUMP);
    CHECK_EQ(t.adjust, 7 + JUMP + 100);
}

TEST(tsc_write_backwards_and_below_zero)
{
    struct tsc_view t;
    tsc_view_start(&t, 0);
    tsc_view_write_tsc(&t, 0, 5000);
    CHECK_EQ(tsc_guest_time(&t, 5000), 0);
    CHECK_EQ(tsc_guest_time(&t, 5001), 1);
    CHECK_EQ(t.adjust, (uint64_t)-5000);
    CHECK_EQ(t.offset, (uint64_t)-5000);
}

TEST(adjust_write_moves_the_tsc_by_the_change)
{
    struct tsc_view t;
    tsc_view_start(&t, 100);
    tsc_view_write_adjust(&t, 100 + JUMP);
    CHECK_EQ(tsc_guest_time(&t, 10), 10 + JUMP);
    CHECK_EQ(t.adjust, 100 + JUMP);
    tsc_view_write_adjust(&t, 0); /* below its starting value: the TSC goes behind the host's */
    CHECK_EQ(tsc_guest_time(&t, 1000), 900);
}

TEST(writing_adjust_back_restores_offset_zero_exactly)
{
    struct tsc_view t;
    tsc_view_start(&t, 42);
    tsc_view_write_tsc(&t, 77777 + JUMP, 12345);
    tsc_view_write_adjust(&t, t.adjust + (JUMP >> 1));
    CHECK(t.offset != 0);
    tsc_view_write_adjust(&t, 42);
    CHECK_EQ(t.offset, 0); /* the vCPU's deadline can be passed through again */
    CHECK_EQ(t.adjust, 42);
}

TEST(deadline_zero_disarms)
{
    CHECK_EQ(tsc_deadline_to_host(0, 1000, 5), 0);
}

TEST(future_deadline_keeps_its_distance)
{
    CHECK_EQ(tsc_deadline_to_host(JUMP + 1500, JUMP + 1000, 1000), 1500);
    CHECK_EQ(tsc_deadline_to_host(600, 100, 50000), 50500); /* guest TSC behind the host's */
}

TEST(reached_deadline_fires_at_once_but_is_not_zero)
{
    CHECK_EQ(tsc_deadline_to_host(1000, 1000, 77), 1);
    CHECK_EQ(tsc_deadline_to_host(5, JUMP, 1000), 1);
}

TEST(deadline_past_the_host_wrap_never_fires)
{
    CHECK_EQ(tsc_deadline_to_host(UINT64_MAX, 0, 10), UINT64_MAX);
    CHECK_EQ(tsc_deadline_to_host(UINT64_MAX - 1, 100, UINT64_MAX - 50), UINT64_MAX);
}
