/* The TSC view's arithmetic (vmx/tsc_offset.h). Everything is modulo
 * 2^64, as the TSC and the VMCS offset field are. */
#include "vmx/tsc_offset.h"

void tsc_view_start(struct tsc_view *t, uint64_t real_adjust)
{
    t->offset = 0;
    t->adjust = real_adjust;
    t->deadline = 0;
}

/* "If an execution of WRMSR to IA32_TIME_STAMP_COUNTER adds (or
 * subtracts) value X from the TSC, the logical processor also adds (or
 * subtracts) value X from the IA32_TSC_ADJUST MSR" (SDM Vol. 3B
 * 17.17.3). */
void tsc_view_write_tsc(struct tsc_view *t, uint64_t value, uint64_t host_now)
{
    uint64_t delta = value - tsc_guest_time(t, host_now);
    t->offset += delta;
    t->adjust += delta;
}

/* "If an execution of WRMSR to the IA32_TSC_ADJUST MSR adds (or
 * subtracts) value X from that MSR, the logical processor also adds (or
 * subtracts) value X from the TSC" (17.17.3). */
void tsc_view_write_adjust(struct tsc_view *t, uint64_t value)
{
    t->offset += value - t->adjust;
    t->adjust = value;
}

uint64_t tsc_deadline_to_host(uint64_t guest_deadline, uint64_t guest_now, uint64_t host_now)
{
    if (guest_deadline == 0)
        return 0;
    if (guest_deadline <= guest_now)
        return 1;
    uint64_t host = host_now + (guest_deadline - guest_now);
    return host < host_now ? UINT64_MAX : host;
}
