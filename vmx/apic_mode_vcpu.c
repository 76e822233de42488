/* Guest APIC mode per vCPU; see apic_mode_vcpu.h.
 *
 * The physical LAPIC never leaves x2APIC mode (the hypervisor signals
 * its CPUs with x2APIC NMIs; Bochs cannot re-enable a LAPIC disabled
 * through IA32_APIC_BASE). The guest's mode decides the rest:
 * - x2APIC: the MSR bitmap passes the x2APIC MSRs as the partition's
 *   policy says (vmx/msr_policy.c); MMIO at the base acts as on a
 *   disabled xAPIC (SDM Vol. 3A 11.12.1.2; vmx/xapic_emul.c);
 * - xAPIC: every x2APIC MSR exits and raises #GP, as on hardware; the
 *   register page at 0xFEE00000 is emulated (vmx/xapic_emul.c);
 * - disabled: the same #GP; MMIO reads give all ones, writes are lost
 *   (as Bochs shows a disabled xAPIC); on the way in, the physical LAPIC
 *   is put in its reset state (SDM 11.4.7.1: LVTs masked, timer off, TPR
 *   0, SVR 0xFF = software-disabled, in-service interrupts ended), which
 *   11.12.5 says a disable does: it delivers nothing until the guest
 *   re-enables it (xAPIC) and sets SVR, as after a reset. NMIs (the
 *   hypervisor's signals) still arrive at a software-disabled LAPIC
 *   (SDM 11.4.7.2). */
#include "vmx/apic_mode_vcpu.h"

#include "arch/x86/cpu.h"
#include "arch/x86/extable.h"
#include "arch/x86/mm.h"
#include "hv/partition.h"
#include "hv/quiesce.h"
#include "vmx/xapic_regs.h"

#define MSR_X2APIC_TPR 0x808
#define MSR_X2APIC_EOI 0x80B
#define MSR_X2APIC_SVR 0x80F
#define MSR_X2APIC_ISR0 0x810
#define MSR_X2APIC_ESR 0x828
#define MSR_X2APIC_DIVIDE 0x83E
#define LVT_MASKED (1u << 16)
#define SVR_RESET 0xFFu
#define ISR_REGS 8

static const uint32_t other_lvts[] = {0x82F, 0x833, 0x834, 0x835, 0x836, 0x837}; /* the timer: quiesce */

static bool in_service(void)
{
    for (uint32_t i = 0; i < ISR_REGS; i++)
        if (rdmsr(MSR_X2APIC_ISR0 + i))
            return true;
    return false;
}

/* SDM 11.4.7.1, as far as a guest can see it through the x2APIC. The
 * IRR is not the guest's to clear: a request pending there is taken
 * once it enables its APIC again. CMCI may be absent: wrmsr_safe. */
static void reset_physical_lapic(void)
{
    quiesce_this_cpu_timer();
    for (size_t i = 0; i < ARRAY_SIZE(other_lvts); i++)
        wrmsr_safe(other_lvts[i], LVT_MASKED);
    wrmsr(MSR_X2APIC_DIVIDE, 0);
    wrmsr(MSR_X2APIC_TPR, 0);
    for (uint32_t n = 0; n < 256 && in_service(); n++)
        wrmsr(MSR_X2APIC_EOI, 0);
    wrmsr(MSR_X2APIC_ESR, 0); /* twice: the first latches, the second clears */
    wrmsr(MSR_X2APIC_ESR, 0);
    wrmsr(MSR_X2APIC_SVR, SVR_RESET);
}

static void reset_virtual_xapic(struct vcpu *v)
{
    v->xapic_ldr = 0;
    v->xapic_dfr = XAPIC_DFR_FLAT;
    v->xapic_icr_low = v->xapic_icr_high = 0;
    v->xapic_focus_disabled = false;
}

/* x2APIC mode: the partition's own policy for 0x800-0x8FF; otherwise
 * every one of them exits (and gets #GP). */
static void set_x2apic_msr_intercepts(struct vcpu *v, enum apic_mode mode)
{
    const uint8_t *policy = phys_to_virt(v->partition->msr_bitmap_pa);
    for (uint32_t msr = X2APIC_MSR_FIRST; msr <= X2APIC_MSR_LAST; msr++) {
        enum msr_pass pass = MSR_PASS_NONE;
        if (mode == APIC_MODE_X2APIC)
            pass = (enum msr_pass)((msr_bitmap_exits(policy, msr, false) ? 0 : MSR_PASS_READ) |
                                   (msr_bitmap_exits(policy, msr, true) ? 0 : MSR_PASS_WRITE));
        vcpu_msr_intercept(v, msr, pass);
    }
}

void vapic_init(struct vcpu *v)
{
    v->apic_mode = v->partition->cfg->lapic_mode == CFG_LAPIC_XAPIC ? APIC_MODE_XAPIC : APIC_MODE_X2APIC;
    reset_virtual_xapic(v);
    set_x2apic_msr_intercepts(v, (enum apic_mode)v->apic_mode);
}

uint64_t vapic_read_base(const struct vcpu *v)
{
    return apic_base_value((enum apic_mode)v->apic_mode, partition_cpu_slot(v->partition, v->apic_id) == 0);
}

static unsigned phys_addr_bits(void)
{
    if (cpuid(0x80000000u, 0).eax < 0x80000008u)
        return 36;
    return cpuid(0x80000008u, 0).eax & 0xFF;
}

bool vapic_write_base(struct vcpu *v, uint64_t value, const char **why)
{
    enum apic_mode from = (enum apic_mode)v->apic_mode, to;
    if (!apic_base_transition(from, value, phys_addr_bits(), &to, why))
        return false;
    if (to == from)
        return true;
    if (to == APIC_MODE_DISABLED) {
        reset_physical_lapic();
        reset_virtual_xapic(v);
    }
    v->apic_mode = (uint8_t)to;
    if (from == APIC_MODE_X2APIC || to == APIC_MODE_X2APIC)
        set_x2apic_msr_intercepts(v, to);
    return true;
}
