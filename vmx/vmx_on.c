/* Entering VMX root operation on each CPU (Intel SDM Vol. 3C 24.7-24.8):
 * CR0/CR4 must respect the IA32_VMX_CR{0,4}_FIXED{0,1} MSRs, CR4.VMXE set,
 * then VMXON with a page holding the VMCS revision id. */
#include "arch/x86/cpu.h"
#include "arch/x86/exceptions.h"
#include "arch/x86/mm.h"
#include "arch/x86/speculation.h"
#include "hv/console.h"
#include "hv/percpu.h"
#include "vmx/nmi.h"
#include "vmx/root_fault.h"
#include "vmx/vcpu.h"
#include "vmx/vmx.h"
#include "vmx/vmx_asm.h"

#define MSR_VMX_BASIC 0x480
#define MSR_VMX_CR0_FIXED0 0x486
#define MSR_VMX_CR0_FIXED1 0x487
#define MSR_VMX_CR4_FIXED0 0x488
#define MSR_VMX_CR4_FIXED1 0x489
#define CR4_VMXE_BIT (1ull << 13)
#define CR4_OSXSAVE_BIT (1ull << 18)
#define CPUID1_ECX_XSAVE (1u << 26)

uint32_t vmx_vmcs_revision(void) { return (uint32_t)rdmsr(MSR_VMX_BASIC) & 0x7FFFFFFF; }

int vmx_cpu_enable(void)
{
    struct vmx_caps caps;
    const char *why;
    if (vmx_probe(&caps, &why) != 0) {
        printk("cpu %u: %s", this_cpu()->index, why);
        return -E_NOTSUP;
    }
    uint64_t region = mm_alloc_pages(1);
    if (!region)
        return -E_NOMEM;
    *(uint32_t *)phys_to_virt(region) = vmx_vmcs_revision();

    uint64_t cr0 = (read_cr0() | rdmsr(MSR_VMX_CR0_FIXED0)) & rdmsr(MSR_VMX_CR0_FIXED1);
    uint64_t cr4 = read_cr4() | CR4_VMXE_BIT;
    /* XSETBV exits and is emulated by running it here, which needs
     * CR4.OSXSAVE in root mode. */
    if (cpuid(1, 0).ecx & CPUID1_ECX_XSAVE)
        cr4 |= CR4_OSXSAVE_BIT;
    cr4 = (cr4 | rdmsr(MSR_VMX_CR4_FIXED0)) & rdmsr(MSR_VMX_CR4_FIXED1);
    write_cr0(cr0);
    write_cr4(cr4);
    if (!vmxon(region)) {
        printk("cpu %u: VMXON failed", this_cpu()->index);
        return -E_NOTSUP;
    }
    spec_init_cpu();
    exception_nmi_hook = nmi_in_root_mode; /* the same on every CPU */
    exception_fault_hook = root_fault_stop_partition;
    return 0;
}
