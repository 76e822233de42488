/* RDMSR/WRMSR of MSRs the bitmap traps (vmx/msr_policy.c says which and
 * why). Refusals inject #GP, as hardware does for a reserved MSR or bit,
 * and are logged (the first few per CPU). Every RDMSR/WRMSR executed
 * here on the guest's behalf goes through the fault-safe accessors
 * (arch/x86/extable.h): an MSR or value this CPU refuses becomes the
 * guest's #GP, never a fault of the hypervisor. */
#include "arch/x86/cpu.h"
#include "arch/x86/extable.h"
#include "hv/console.h"
#include "vmx/apic_ipi.h"
#include "vmx/apic_mode_vcpu.h"
#include "vmx/exit.h"
#include "vmx/lvt_check.h"
#include "vmx/pmu.h"
#include "vmx/tsc_offset.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

#define MSR_APIC_BASE 0x1B
#define MSR_FEATURE_CONTROL 0x3A
#define MSR_BIOS_SIGN_ID 0x8B
#define MSR_ARCH_CAPABILITIES 0x10A
#define MSR_PERF_CAPABILITIES 0x345
/* The CPU's immunities that stay true inside a partition (SDM Vol. 4
 * 2.1, IA32_ARCH_CAPABILITIES): RDCL_NO, IBRS_ALL, RSBA, SSB_NO, MDS_NO,
 * IF_PSCHANGE_MC_NO, TAA_NO. Not XAPIC_DISABLE (bit 21): a partition may
 * change its APIC mode (vmx/apic_mode.c); nor controls whose MSRs are
 * refused (TSX_CTRL, bit 7). */
#define ARCH_CAP_FACTS ((1ull << 0) | (1ull << 1) | (1ull << 2) | (1ull << 4) | (1ull << 5) | (1ull << 6) | (1ull << 8))
#define MSR_MISC_ENABLE 0x1A0
#define MSR_VMX_FIRST 0x480
#define MSR_VMX_LAST 0x491
#define MSR_MTRR_FIRST 0x200
#define MSR_MTRR_LAST 0x26F
#define MSR_MTRR_DEF_TYPE 0x2FF
#define MSR_X2APIC_ICR 0x830
#define MSR_EFER_NR 0xC0000080
#define FC_LOCKED 1u
#define EFER_WRITABLE ((1ull << 0) | (1ull << 8) | (1ull << 11)) /* SCE, LME, NXE */
#define EFER_LMA_BIT (1ull << 10)
#define LOG_LIMIT 16

static uint32_t logged[HV_MAX_PARTITION_CPUS * CFG_MAX_PARTITIONS];

static void log_limited(struct vcpu *v, const char *what, uint32_t msr, uint64_t value)
{
    uint32_t *n = &logged[(v->partition->id * HV_MAX_PARTITION_CPUS + v->cpu) % ARRAY_SIZE(logged)];
    if (++*n <= LOG_LIMIT)
        printk("partition '%s' cpu %u: %s MSR 0x%x (value 0x%lx) at RIP 0x%lx%s", v->partition->cfg->name, v->cpu,
               what, msr, value, vmread(VMCS_GUEST_RIP), *n == LOG_LIMIT ? " (further MSR messages suppressed)" : "");
}

static void refuse(struct vcpu *v, const char *what, uint32_t msr, uint64_t value)
{
    log_limited(v, what, msr, value);
    vmx_inject_gp();
}

/* Shown to every partition (CPUID.7:EDX[29], vmx/cpuid_policy.c), also
 * on a CPU without the MSR (Bochs): then it claims no immunity. */
static uint64_t arch_capabilities(void)
{
    uint64_t value = 0;
    return rdmsr_safe(MSR_ARCH_CAPABILITIES, &value) == 0 ? value & ARCH_CAP_FACTS : 0;
}

static bool is_vmx_msr(uint32_t msr) { return msr == MSR_FEATURE_CONTROL || (msr >= MSR_VMX_FIRST && msr <= MSR_VMX_LAST); }

void exit_rdmsr(struct vcpu *v, uint64_t q)
{
    (void)q;
    uint32_t msr = (uint32_t)v->regs.gpr[GPR_RCX];
    uint64_t value;
    if (vapic_msr_faults(v, msr))
        return refuse(v, "refused read (its APIC is not in x2APIC mode) of x2APIC", msr, 0);
    if (msr == MSR_FEATURE_CONTROL) {
        value = FC_LOCKED; /* locked with VMX off, like firmware that disabled it */
    } else if (msr == MSR_APIC_BASE) {
        value = vapic_read_base(v); /* its own mode (vmx/apic_mode_vcpu.c) */
    } else if (tsc_vcpu_owns_msr(msr)) { /* its own TSC view (vmx/tsc_vcpu.c) */
        if (!tsc_vcpu_rdmsr(v, msr, &value))
            return refuse(v, "read refused by the CPU of", msr, 0);
    } else if (msr == MSR_X2APIC_ICR) {
        if (rdmsr_safe(msr, &value) != 0)
            return refuse(v, "read refused by the CPU of", msr, 0);
    } else if (msr == MSR_EFER_NR) {
        value = vmread(VMCS_GUEST_EFER);
    } else if (msr == MSR_PERF_CAPABILITIES) { /* read-only: writes are refused below, as by the CPU */
        if (!pmu_read_perf_capabilities(&value))
            return refuse(v, "refused read (PDCM hidden) of", msr, 0);
    } else if (msr == MSR_ARCH_CAPABILITIES) {
        value = arch_capabilities();
    } else {
        return refuse(v, is_vmx_msr(msr) ? "refused read of VMX" : "refused read of unknown", msr, 0);
    }
    v->regs.gpr[GPR_RAX] = (uint32_t)value;
    v->regs.gpr[GPR_RDX] = value >> 32;
    vmx_advance_rip();
}

static bool write_efer(uint64_t value)
{
    if (value & ~(EFER_WRITABLE | EFER_LMA_BIT))
        return false;
    /* LMA is the CPU's to set (when paging is enabled with LME). */
    uint64_t lma = vmread(VMCS_GUEST_EFER) & EFER_LMA_BIT;
    vmwrite(VMCS_GUEST_EFER, (value & EFER_WRITABLE) | lma);
    return true;
}

/* Writes that would reach beyond the partition's CPU, or weaken the
 * hypervisor's hold on it. */
static bool write_refused(struct vcpu *v, uint32_t msr, uint64_t value, const char **why)
{
    *why = "refused write to unknown";
    if (msr == MSR_APIC_BASE)
        return !vapic_write_base(v, value, why); /* its own mode (vmx/apic_mode_vcpu.c) */
    if (msr == MSR_EFER_NR) {
        *why = "refused write of reserved bits to EFER";
        return !write_efer(value);
    }
    if (is_vmx_msr(msr)) {
        *why = "refused write (VMX is hidden) to";
        return true;
    }
    if (msr == MSR_BIOS_SIGN_ID)
        return false; /* how an OS asks for the microcode revision (SDM Vol. 3A 10.11.7.1) */
    if (tsc_vcpu_owns_msr(msr)) {
        *why = "refused write (no such MSR on this CPU) to";
        return !tsc_vcpu_wrmsr(v, msr, value); /* its own TSC view (vmx/tsc_vcpu.c) */
    }
    if (msr == MSR_MISC_ENABLE || (msr >= MSR_MTRR_FIRST && msr <= MSR_MTRR_LAST) || msr == MSR_MTRR_DEF_TYPE) {
        /* Ignored, but only if the MSR exists on this CPU: the range
         * 0x200-0x26F has holes. */
        uint64_t current;
        *why = "refused write (no such MSR on this CPU) to";
        if (rdmsr_safe(msr, &current) != 0)
            return true;
        log_limited(v, "ignored write (shared timing/cache state) to", msr, value);
        return false;
    }
    return true;
}

/* A write to an LVT register (vmx/lvt_check.c decides). */
static void write_lvt(struct vcpu *v, uint32_t msr, uint64_t value)
{
    const char *why;
    enum lvt_verdict verdict = lvt_check(msr, value, &why);
    if (verdict == LVT_REFUSE)
        partition_stop_current(-1, "LVT %s (MSR 0x%x) write 0x%lx refused: %s would reach beyond its CPU",
                               lvt_name(msr), msr, value, why);
    if (verdict == LVT_GP)
        return refuse(v, "refused write (reserved bits) to LVT", msr, value);
    if (wrmsr_safe(msr, value) != 0)
        return refuse(v, "write refused by the CPU to LVT", msr, value);
    vmx_advance_rip();
}

void exit_wrmsr(struct vcpu *v, uint64_t q)
{
    (void)q;
    uint32_t msr = (uint32_t)v->regs.gpr[GPR_RCX];
    uint64_t value = (v->regs.gpr[GPR_RDX] << 32) | (uint32_t)v->regs.gpr[GPR_RAX];
    const char *why;
    if (vapic_msr_faults(v, msr))
        return refuse(v, "refused write (its APIC is not in x2APIC mode) to x2APIC", msr, value);
    if (lvt_name(msr))
        return write_lvt(v, msr, value);
    if (msr == MSR_X2APIC_ICR) {
        if (!apic_ipi_from_guest(v, value)) /* stops the partition if refused */
            return vmx_inject_gp();         /* logged there */
    } else if (write_refused(v, msr, value, &why)) {
        return refuse(v, why, msr, value);
    }
    vmx_advance_rip();
}
