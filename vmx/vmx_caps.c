/* VT-x capability discovery (Intel SDM Vol. 3C Appendix A). */
#include "vmx/vmx.h"

#include "arch/x86/cpu.h"

#define MSR_FEATURE_CONTROL 0x3A
#define FC_LOCKED (1u << 0)
#define FC_VMX_OUTSIDE_SMX (1u << 2)
#define MSR_VMX_BASIC 0x480
#define MSR_VMX_PINBASED_CTLS 0x481
#define MSR_VMX_PROCBASED_CTLS 0x482
#define MSR_VMX_PROCBASED_CTLS2 0x48B
#define MSR_VMX_EPT_VPID_CAP 0x48C

#define BASIC_TRUE_CTLS (1ull << 55)
#define PROC_ACTIVATE_SECONDARY (1u << 31)
#define PIN_PREEMPTION_TIMER (1u << 6)
#define PROC2_EPT (1u << 1)
#define PROC2_VPID (1u << 5)
#define PROC2_UNRESTRICTED (1u << 7)
#define EPT_CAP_4LEVEL (1ull << 6)
#define EPT_CAP_WB (1ull << 14)
#define EPT_CAP_2M (1ull << 16)
#define EPT_CAP_1G (1ull << 17)
#define EPT_CAP_INVEPT (1ull << 20)

/* Allowed-1 settings are the high 32 bits of a control MSR (A.3). */
static bool allowed1(uint32_t msr, uint32_t bit) { return (rdmsr(msr) >> 32) & bit; }

static bool feature_control_allows_vmx(void)
{
    uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
    if (!(fc & FC_LOCKED)) {
        wrmsr(MSR_FEATURE_CONTROL, fc | FC_LOCKED | FC_VMX_OUTSIDE_SMX);
        fc = rdmsr(MSR_FEATURE_CONTROL);
    }
    return (fc & FC_LOCKED) && (fc & FC_VMX_OUTSIDE_SMX);
}

static void read_secondary_caps(struct vmx_caps *c)
{
    if (!allowed1(MSR_VMX_PROCBASED_CTLS, PROC_ACTIVATE_SECONDARY))
        return;
    c->ept = allowed1(MSR_VMX_PROCBASED_CTLS2, PROC2_EPT);
    c->vpid = allowed1(MSR_VMX_PROCBASED_CTLS2, PROC2_VPID);
    c->unrestricted_guest = allowed1(MSR_VMX_PROCBASED_CTLS2, PROC2_UNRESTRICTED);
    if (c->ept || c->vpid) {
        uint64_t cap = rdmsr(MSR_VMX_EPT_VPID_CAP);
        c->ept_4level = cap & EPT_CAP_4LEVEL;
        c->ept_wb = cap & EPT_CAP_WB;
        c->ept_2m = cap & EPT_CAP_2M;
        c->ept_1g = cap & EPT_CAP_1G;
        c->invept = cap & EPT_CAP_INVEPT;
    }
}

int vmx_probe(struct vmx_caps *c, const char **why)
{
    *c = (struct vmx_caps){0};
    c->vmx = cpuid(1, 0).ecx & CPUID1_ECX_VMX;
    if (!c->vmx) {
        *why = "this CPU has no VMX (CPUID.1:ECX[5] = 0)";
        return -E_NOTSUP;
    }
    c->enabled_by_firmware = feature_control_allows_vmx();
    if (!c->enabled_by_firmware) {
        *why = "VMX is disabled and locked by firmware (IA32_FEATURE_CONTROL); enable VT-x in the BIOS setup";
        return -E_NOTSUP;
    }
    uint64_t basic = rdmsr(MSR_VMX_BASIC);
    c->vmcs_revision = (uint32_t)basic & 0x7FFFFFFF;
    c->vmcs_size = (uint32_t)(basic >> 32) & 0x1FFF;
    c->true_controls = basic & BASIC_TRUE_CTLS;
    c->preemption_timer = allowed1(MSR_VMX_PINBASED_CTLS, PIN_PREEMPTION_TIMER);
    read_secondary_caps(c);
    if (!c->ept || !c->ept_4level || !c->ept_wb) {
        *why = "VMX lacks EPT with 4-level walks and write-back memory";
        return -E_NOTSUP;
    }
    if (!c->unrestricted_guest) {
        *why = "VMX lacks unrestricted guest";
        return -E_NOTSUP;
    }
    *why = "";
    return 0;
}
