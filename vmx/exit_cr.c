/* Control-register writes that touch bits the hypervisor owns (those in
 * the CR0/CR4 guest/host masks: what VMX fixes, and CR4.VMXE, which is
 * hidden), and XSETBV, which always exits (Intel SDM Vol. 3C 26.1.3).
 * Exit qualification for CR access: Table 28-3. */
#include "arch/x86/cpu.h"
#include "arch/x86/extable.h"
#include "hv/console.h"
#include "hv/percpu.h"
#include "vmx/exit.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"
#include "vmx/xcr0_check.h"

#define MSR_VMX_CR0_FIXED1 0x487
#define MSR_VMX_CR4_FIXED1 0x489
#define CR_NUMBER(q) ((q) & 0xF)
#define CR_ACCESS_TYPE(q) (((q) >> 4) & 3)
#define CR_GPR(q) (((q) >> 8) & 0xF)
#define CR_LMSW_SOURCE(q) (((q) >> 16) & 0xFFFF)
#define ACCESS_MOV_TO_CR 0
#define ACCESS_LMSW 3
#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)
#define CR0_CD (1ull << 30)
#define CR0_NW (1ull << 29)
#define CR4_VMXE_BIT (1ull << 13)
#define CR4_PAE_BIT (1ull << 5)
#define EFER_LME_BIT (1ull << 8)
#define EFER_LMA_BIT (1ull << 10)

/* The value the guest sees in CR0 or CR4: its own bits from the guest
 * field, the bits the hypervisor owns from the read shadow (SDM Vol. 3C
 * 25.6.6). A write that exits must keep the other register as the guest
 * last set it, including writes that did not exit. */
static uint64_t guest_view(uint32_t field, uint32_t mask, uint32_t shadow)
{
    return (vmread(field) & ~vmread(mask)) | (vmread(shadow) & vmread(mask));
}

/* Emulates what the CPU does to EFER.LMA when CR0.PG changes with
 * EFER.LME set (SDM Vol. 3A 9.8.5). */
static bool set_cr0(uint64_t value)
{
    uint64_t fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
    if ((value >> 32) || (value & ~fixed1 & 0xFFFFFFFFull) || ((value & CR0_PG) && !(value & CR0_PE)) ||
        ((value & CR0_NW) && !(value & CR0_CD)))
        return false; /* the #GP cases of MOV to CR0 (SDM Vol. 2B) */
    uint64_t efer = vmread(VMCS_GUEST_EFER);
    if ((value & CR0_PG) && (efer & EFER_LME_BIT)) {
        if (!(vmread(VMCS_GUEST_CR4) & CR4_PAE_BIT))
            return false;
        efer |= EFER_LMA_BIT;
    } else if (!(value & CR0_PG)) {
        efer &= ~EFER_LMA_BIT;
    }
    vmwrite(VMCS_GUEST_EFER, efer);
    vmcs_write_guest_cr(value, guest_view(VMCS_GUEST_CR4, VMCS_CR4_MASK, VMCS_CR4_SHADOW));
    return true;
}

static bool set_cr4(uint64_t value)
{
    uint64_t fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
    if ((value & CR4_VMXE_BIT) || (value & ~fixed1))
        return false;
    vmcs_write_guest_cr(guest_view(VMCS_GUEST_CR0, VMCS_CR0_MASK, VMCS_CR0_SHADOW), value);
    return true;
}

void exit_cr_access(struct vcpu *v, uint64_t q)
{
    bool ok = false;
    if (CR_ACCESS_TYPE(q) == ACCESS_MOV_TO_CR) {
        uint64_t value = vcpu_get_gpr(v, (enum gpr)CR_GPR(q));
        if (CR_NUMBER(q) == 0)
            ok = set_cr0(value);
        else if (CR_NUMBER(q) == 4)
            ok = set_cr4(value);
    } else if (CR_ACCESS_TYPE(q) == ACCESS_LMSW) {
        /* LMSW sets CR0 bits 3:0 but cannot clear PE. */
        uint64_t cr0 = guest_view(VMCS_GUEST_CR0, VMCS_CR0_MASK, VMCS_CR0_SHADOW);
        ok = set_cr0((cr0 & ~0xEull) | (CR_LMSW_SOURCE(q) & 0xF) | (cr0 & CR0_PE));
    }
    if (!ok) {
        vmx_inject_gp();
        return;
    }
    vmx_advance_rip();
}

/* XSETBV: XCR0 is checked against the SDM's rules (vmx/xcr0_check.c), as
 * the CPU checks it, then set through the fault-safe path: whatever the
 * CPU still refuses (an XCR index other than 0, a rule of a later CPU)
 * faults in root mode, is caught there and becomes the guest's #GP, as
 * it would have been without the hypervisor. One partition per CPU: the
 * guest's XCR0 can simply be the CPU's. */
#define XSETBV_LOG_LIMIT 4
static uint32_t xsetbv_faults_logged[HV_MAX_CPUS];

void exit_xsetbv(struct vcpu *v, uint64_t q)
{
    (void)q;
    uint32_t index = (uint32_t)v->regs.gpr[GPR_RCX];
    uint64_t value = (v->regs.gpr[GPR_RDX] << 32) | (uint32_t)v->regs.gpr[GPR_RAX];
    struct cpuid_regs r = cpuid(0xD, 0);
    if (index == 0 && !xcr0_valid(value, ((uint64_t)r.edx << 32) | r.eax)) {
        vmx_inject_gp();
        return;
    }
    if (xsetbv_safe(index, value) != 0) {
        if (xsetbv_faults_logged[v->cpu % HV_MAX_CPUS]++ < XSETBV_LOG_LIMIT)
            printk("%s cpu %u: XSETBV XCR%u := 0x%lx refused by the CPU (fault caught in the hypervisor): #GP injected",
                   v->partition->label, v->cpu, index, value);
        vmx_inject_gp();
        return;
    }
    vmx_advance_rip();
}
