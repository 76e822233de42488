/* Each vCPU's own view of the time stamp counter. The guest's TSC is the
 * host's plus an offset, applied by the CPU itself ("use TSC offsetting",
 * SDM Vol. 3C 25.6.5, 26.3: RDTSC, RDTSCP and RDMSR of IA32_TSC add it),
 * so RDTSC stays exit-free; the hypervisor and the other partitions keep
 * the real TSC. Writes to IA32_TSC and IA32_TSC_ADJUST move the offset
 * with the architectural rules of IA32_TSC_ADJUST (SDM Vol. 3B 17.17.3).
 * IA32_TSC_DEADLINE is not offset by the CPU: while a vCPU's offset is
 * non-zero its deadline is trapped and translated (the RTOS, which never
 * writes its TSC, keeps it passed through, with no exit).
 *
 * The arithmetic here is pure and host-tested (tests/unit/test_tsc_offset.c);
 * vmx/tsc_vcpu.c applies it to the VMCS, the MSR bitmap and the CPU. */
#ifndef VMX_TSC_OFFSET_H
#define VMX_TSC_OFFSET_H

#include "hv/types.h"

/* VMCS encodings this needs (SDM Vol. 3C Appendix B.2.1, 25.6.2). */
#define VMCS_TSC_OFFSET 0x2010
#define PROC_USE_TSC_OFFSETTING (1u << 3)

#define MSR_IA32_TSC 0x10
#define MSR_IA32_TSC_ADJUST 0x3B
#define MSR_IA32_TSC_DEADLINE 0x6E0

struct tsc_view {
    uint64_t offset;   /* guest TSC - host TSC, modulo 2^64 (the VMCS field) */
    uint64_t adjust;   /* the guest's IA32_TSC_ADJUST */
    uint64_t deadline; /* the guest's IA32_TSC_DEADLINE, as written while trapped */
};

/* At vCPU start: the guest's TSC is the real one (offset 0) and its
 * TSC_ADJUST starts at the real MSR's value. */
void tsc_view_start(struct tsc_view *t, uint64_t real_adjust);

/* WRMSR IA32_TSC of value at host TSC host_now: the guest TSC becomes
 * value, and TSC_ADJUST moves by the same delta (17.17.3). */
void tsc_view_write_tsc(struct tsc_view *t, uint64_t value, uint64_t host_now);

/* WRMSR IA32_TSC_ADJUST: the TSC moves by the change (17.17.3). */
void tsc_view_write_adjust(struct tsc_view *t, uint64_t value);

static inline uint64_t tsc_guest_time(const struct tsc_view *t, uint64_t host) { return host + t->offset; }

/* The host IA32_TSC_DEADLINE value that fires when the guest's TSC
 * reaches guest_deadline (SDM Vol. 3A 11.5.4.1: it fires once TSC >=
 * deadline; 0 disarms). A deadline the guest's TSC has already reached
 * fires at once (host value 1: in the past, not 0); one that the host's
 * TSC would not reach before wrapping never fires (all ones). */
uint64_t tsc_deadline_to_host(uint64_t guest_deadline, uint64_t guest_now, uint64_t host_now);

/* VMCS/MSR side (vmx/tsc_vcpu.c), for the vCPU running on this CPU. */
struct vcpu;
/* In vcpu_init, with its VMCS current: offset 0, TSC_ADJUST as the CPU's. */
void tsc_vcpu_start(struct vcpu *v);
/* RDMSR/WRMSR exits of IA32_TSC_ADJUST and IA32_TSC_DEADLINE, and WRMSR
 * of IA32_TSC: false when the CPU would raise #GP (an MSR it lacks). */
bool tsc_vcpu_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *value);
bool tsc_vcpu_wrmsr(struct vcpu *v, uint32_t msr, uint64_t value);
static inline bool tsc_vcpu_owns_msr(uint32_t msr)
{
    return msr == MSR_IA32_TSC || msr == MSR_IA32_TSC_ADJUST || msr == MSR_IA32_TSC_DEADLINE;
}

#endif
