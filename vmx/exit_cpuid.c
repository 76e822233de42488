/* CPUID as a partition sees it: the real CPU, filtered by the table in
 * vmx/cpuid_policy.c (every feature shown works as on the bare CPU, its
 * MSRs included; what is refused is hidden), plus the fields the
 * hypervisor emulates there: what the partition owns (its CPU count,
 * topology), the guest's own CR4 bits (OSXSAVE, OSPKE), the PMU's counter
 * counts (vmx/pmu.c) and the truth about the TSC rate (leaves 0x15/0x16,
 * which Bochs and some firmware get wrong). Leaves 0x40000000-0x400000FF
 * identify the hypervisor (SDM Vol. 2A, CPUID): 0x40000001 gives EAX =
 * ABI version, EBX = partition id, ECX = its rpc_vector, EDX = its
 * rpc_gsi (include/vmrpc_abi.h).
 *
 * Leaves 0x40000100-0x40000101 show the KVM signature with no paravirt
 * features and no hints: the interface by which Linux learns that it may
 * use the x2APIC without interrupt remapping (its x2apic_available()):
 * it then switches a partition's LAPIC from xAPIC to x2APIC mode, whose
 * EOI and timer registers do not exit (vmx/apic_mode.c). Linux scans
 * the 0x40000x00 bases for it; nothing else of KVM is offered or used. */
#include "arch/x86/cpu.h"
#include "arch/x86/platform.h"
#include "vmx/cpuid_policy.h"
#include "vmx/exit.h"
#include "vmx/pmu.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

#define CPUID1_ECX_OSXSAVE (1u << 27)
#define CPUID7_ECX_OSPKE (1u << 4)
#define CPUID7_EDX_ARCH_CAPABILITIES (1u << 29)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_PKE (1ull << 22)
#define LEAF_PMU 0xA
#define CPUID_EXT1_EDX_SYSCALL (1u << 11)
#define CS_AR_L (1u << 13) /* 64-bit code segment (SDM Vol. 3C 25.4.1) */
#define LEAF_TSC_CRYSTAL 0x15
#define LEAF_FREQUENCY 0x16
#define HV_LEAF_BASE 0x40000000u
#define HV_LEAF_MAX 0x40000001u
#define KVM_LEAF_BASE 0x40000100u
#define KVM_LEAF_FEATURES 0x40000101u

static void hypervisor_leaf(uint32_t leaf, const struct partition *p, struct cpuid_regs *r)
{
    *r = (struct cpuid_regs){0};
    if (leaf == HV_LEAF_BASE) {
        r->eax = HV_LEAF_MAX;
        r->ebx = 0x7056484D; /* "MHVp" */
        r->ecx = 0x69747261; /* "arti" */
        r->edx = 0x6E6F6974; /* "tion" */
    } else if (leaf == KVM_LEAF_BASE) {
        r->eax = KVM_LEAF_FEATURES;
        r->ebx = 0x4B4D564B; /* "KVMK" */
        r->ecx = 0x564B4D56; /* "VMKV" */
        r->edx = 0x0000004D; /* "M\0\0\0" */
    } else if (leaf == HV_LEAF_MAX) {
        r->eax = HV_ABI_VERSION;
        r->ebx = p->id;
        r->ecx = p->cfg->rpc_vector;
        r->edx = p->cfg->rpc_gsi; /* its VMRPC notification line, 0 = none */
    }
}

/* A CPU bit that mirrors the guest's CR4, not the hypervisor's. */
static uint32_t mirror_cr4(uint32_t reg, uint32_t bit, uint64_t cr4_bit)
{
    return (reg & ~bit) | (vmread(VMCS_GUEST_CR4) & cr4_bit ? bit : 0);
}

/* The fields cpuid_policy marks emulated (the table says why). */
static void emulate(uint32_t leaf, uint32_t subleaf, const struct vcpu *v, struct cpuid_regs *r)
{
    const struct partition *p = v->partition;
    uint32_t mhz = (uint32_t)(platform.tsc_hz / 1000000);
    switch (leaf) {
    case 0:
        if (r->eax < LEAF_FREQUENCY)
            r->eax = LEAF_FREQUENCY;
        break;
    case 1:
        r->ecx |= CPUID1_ECX_HYPERVISOR;
        r->ecx = mirror_cr4(r->ecx, CPUID1_ECX_OSXSAVE, CR4_OSXSAVE); /* EMULATION.md */
        r->ebx = (r->ebx & 0xFF00FFFF) | (p->cpu_count << 16);
        break;
    case 7: /* IA32_ARCH_CAPABILITIES exists: the CPU's immunities (vmx/exit_msr.c) */
        if (subleaf == 0) {
            r->ecx = mirror_cr4(r->ecx, CPUID7_ECX_OSPKE, CR4_PKE);
            r->edx |= CPUID7_EDX_ARCH_CAPABILITIES;
        }
        break;
    case LEAF_PMU:
        cpuid_pmu_leaf(r);
        break;
    case 0xB: /* topology: one thread per core, the partition's cores */
    case 0x1F:
        if (subleaf == 0)
            r->ebx = 1;
        else if (subleaf == 1)
            r->ebx = p->cpu_count;
        break;
    case LEAF_TSC_CRYSTAL: /* TSC = crystal * EBX / EAX */
        *r = (struct cpuid_regs){1, 1, (uint32_t)platform.tsc_hz, 0};
        break;
    case 0x80000001: /* Intel CPUs report SYSCALL in 64-bit mode only; the hypervisor asked in it */
        if (!v->entry_ia32e || !(vmread(VMCS_GUEST_CS_AR) & CS_AR_L))
            r->edx &= ~CPUID_EXT1_EDX_SYSCALL;
        break;
    case LEAF_FREQUENCY:
        *r = (struct cpuid_regs){mhz, mhz, 100, 0};
        break;
    }
}

/* What shown features depend on: the PMU probe, and the VMX controls
 * without which an instruction raises #UD in the guest. */
static uint32_t conditions(void)
{
    uint32_t proc2 = (uint32_t)vmread(VMCS_PROC_CONTROLS2);
    return pmu_cpuid_conditions() | (proc2 & PROC2_ENABLE_RDTSCP ? CPUID_COND_RDTSCP : 0) |
           (proc2 & PROC2_ENABLE_INVPCID ? CPUID_COND_INVPCID : 0);
}

static void as_shown(uint32_t leaf, uint32_t subleaf, const struct vcpu *v, struct cpuid_regs *r)
{
    cpuid_policy_apply(leaf, subleaf, conditions, r);
    emulate(leaf, subleaf, v, r);
}

void exit_cpuid(struct vcpu *v, uint64_t q)
{
    (void)q;
    uint32_t leaf = (uint32_t)v->regs.gpr[GPR_RAX], subleaf = (uint32_t)v->regs.gpr[GPR_RCX];
    struct cpuid_regs r;
    if ((leaf & 0xFFFFFE00u) == HV_LEAF_BASE) {
        hypervisor_leaf(leaf, v->partition, &r);
    } else {
        r = cpuid(leaf, subleaf);
        as_shown(leaf, subleaf, v, &r);
    }
    v->regs.gpr[GPR_RAX] = r.eax;
    v->regs.gpr[GPR_RBX] = r.ebx;
    v->regs.gpr[GPR_RCX] = r.ecx;
    v->regs.gpr[GPR_RDX] = r.edx;
    vmx_advance_rip();
}
