/* A vCPU's TSC view (vmx/tsc_offset.h) applied to its VMCS, its MSR
 * bitmap and its CPU's TSC-deadline MSR. Runs on the vCPU's own CPU with
 * its VMCS current (vcpu_init, MSR exits). The hypervisor's own TSC
 * readings (rdtsc) stay the host's: only the guest sees the offset. */
#include "arch/x86/cpu.h"
#include "arch/x86/extable.h"
#include "arch/x86/mm.h"
#include "hv/partition.h"
#include "vmx/tsc_offset.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

#define CPUID7_EBX_TSC_ADJUST (1u << 1)

/* IA32_TSC_ADJUST exists when CPUID.(EAX=7,ECX=0):EBX[1] says so (SDM
 * Vol. 3B 17.17.3; the partition sees that bit as is); else #GP. */
static bool cpu_has_tsc_adjust(void) { return cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ebx & CPUID7_EBX_TSC_ADJUST); }

/* Reads of IA32_TSC_ADJUST pass to the CPU while the vCPU's offset is 0:
 * its view then equals the real MSR (tsc_view_start takes that value, and
 * every write moves view and offset by the same delta, tsc_offset.h), and
 * the hypervisor never writes the real one. Linux reads it about once a
 * second per CPU on its way to idle (tsc_verify_tsc_adjust). Writes
 * always exit; reads exit while the offset is not 0. Without the MSR the
 * read stays trapped (#GP from the exit handler, as from the CPU). */
static void pass_adjust_reads(struct vcpu *v, bool pass)
{
    if (cpu_has_tsc_adjust())
        vcpu_msr_intercept(v, MSR_IA32_TSC_ADJUST, pass ? MSR_PASS_READ : MSR_PASS_NONE);
}

void tsc_vcpu_start(struct vcpu *v)
{
    uint64_t real_adjust = 0;
    if (cpu_has_tsc_adjust() && rdmsr_safe(MSR_IA32_TSC_ADJUST, &real_adjust) != 0)
        real_adjust = 0;
    tsc_view_start(&v->tsc, real_adjust);
    v->tsc_deadline_trapped = false; /* the bitmap copy is the partition's: passed through */
    pass_adjust_reads(v, true);
    vmwrite(VMCS_TSC_OFFSET, 0);
}

/* What the partition's own MSR bitmap does with msr (msr_policy.c). */
static enum msr_pass partition_pass(const struct vcpu *v, uint32_t msr)
{
    const uint8_t *policy = phys_to_virt(v->partition->msr_bitmap_pa);
    return (enum msr_pass)((msr_bitmap_exits(policy, msr, false) ? 0 : MSR_PASS_READ) |
                           (msr_bitmap_exits(policy, msr, true) ? 0 : MSR_PASS_WRITE));
}

/* The offset changed from old_offset. A deadline armed and still ahead
 * is re-aimed at the same guest TSC value (the timer compares with the
 * TSC, whatever moved it, SDM Vol. 3A 11.5.4.1); one already reached has
 * fired (Bochs keeps its value in the MSR then: it is not re-armed). The
 * MSR is trapped while the offset is not 0, passed through again (0
 * exits for the timer path) when it comes back to 0; TSC_ADJUST reads
 * likewise (pass_adjust_reads). */
static void apply_offset(struct vcpu *v, uint64_t old_offset)
{
    vmwrite(VMCS_TSC_OFFSET, v->tsc.offset);
    uint64_t host_deadline, host_now = rdtsc();
    if (rdmsr_safe(MSR_IA32_TSC_DEADLINE, &host_deadline) == 0 && host_deadline > host_now) {
        uint64_t guest_deadline = v->tsc_deadline_trapped ? v->tsc.deadline : host_deadline + old_offset;
        wrmsr_safe(MSR_IA32_TSC_DEADLINE,
                   tsc_deadline_to_host(guest_deadline, tsc_guest_time(&v->tsc, host_now), host_now));
        v->tsc.deadline = guest_deadline;
    }
    bool trap = v->tsc.offset != 0;
    if (trap != v->tsc_deadline_trapped) {
        vcpu_msr_intercept(v, MSR_IA32_TSC_DEADLINE,
                           trap ? MSR_PASS_NONE : partition_pass(v, MSR_IA32_TSC_DEADLINE));
        pass_adjust_reads(v, !trap);
        v->tsc_deadline_trapped = trap;
    }
}

static bool write_deadline(struct vcpu *v, uint64_t value)
{
    uint64_t host = value;
    if (v->tsc_deadline_trapped) {
        uint64_t host_now = rdtsc();
        host = tsc_deadline_to_host(value, tsc_guest_time(&v->tsc, host_now), host_now);
    }
    if (wrmsr_safe(MSR_IA32_TSC_DEADLINE, host) != 0)
        return false;
    v->tsc.deadline = value;
    return true;
}

bool tsc_vcpu_wrmsr(struct vcpu *v, uint32_t msr, uint64_t value)
{
    uint64_t old_offset = v->tsc.offset;
    if (msr == MSR_IA32_TSC_DEADLINE)
        return write_deadline(v, value);
    if (msr == MSR_IA32_TSC) {
        tsc_view_write_tsc(&v->tsc, value, rdtsc());
    } else {
        if (!cpu_has_tsc_adjust())
            return false;
        tsc_view_write_adjust(&v->tsc, value);
    }
    if (v->tsc.offset != old_offset)
        apply_offset(v, old_offset);
    return true;
}

bool tsc_vcpu_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *value)
{
    if (msr == MSR_IA32_TSC) {
        *value = tsc_guest_time(&v->tsc, rdtsc()); /* only if a partition's bitmap traps it */
        return true;
    }
    if (msr == MSR_IA32_TSC_ADJUST) {
        *value = v->tsc.adjust;
        return cpu_has_tsc_adjust();
    }
    /* The deadline as the guest wrote it while armed; 0 once the CPU
     * cleared it (fired) or when it was never armed. */
    uint64_t host;
    if (rdmsr_safe(MSR_IA32_TSC_DEADLINE, &host) != 0)
        return false;
    *value = host == 0 ? 0 : v->tsc_deadline_trapped ? v->tsc.deadline : host;
    return true;
}
