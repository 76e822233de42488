/* CPUID as a partition sees it: the real CPU, minus VMX, plus what the
 * partition owns (its CPU count) and the truth about the TSC rate
 * (leaves 0x15/0x16, which Bochs and some firmware get wrong). Leaves
 * 0x40000000-0x400000FF identify the hypervisor (SDM Vol. 2A, CPUID):
 * 0x40000001 gives EAX = ABI version, EBX = partition id, ECX = its
 * rpc_vector, EDX = its rpc_gsi (include/vmrpc_abi.h).
 *
 * Leaves 0x40000100-0x40000101 show the KVM signature with no paravirt
 * features and no hints: the interface by which Linux learns that it may
 * keep the x2APIC without interrupt remapping (its x2apic_available()),
 * which a partition must, as its LAPIC stays in x2APIC mode. Linux scans
 * the 0x40000x00 bases for it; nothing else of KVM is offered or used. */
#include "arch/x86/cpu.h"
#include "arch/x86/platform.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

#define CPUID1_ECX_OSXSAVE (1u << 27)
#define CPUID7_EDX_ARCH_CAPABILITIES (1u << 29)
#define CPUID1_EDX_PLATFORM_OWNED ((1u << 7) | (1u << 14) | (1u << 22) | (1u << 29)) /* MCE, MCA, ACPI, TM */
#define CR4_OSXSAVE (1ull << 18)
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

static void adjust(uint32_t leaf, uint32_t subleaf, const struct partition *p, struct cpuid_regs *r)
{
    uint32_t mhz = (uint32_t)(platform.tsc_hz / 1000000);
    switch (leaf) {
    case 0:
        if (r->eax < LEAF_FREQUENCY)
            r->eax = LEAF_FREQUENCY;
        break;
    case 1:
        r->ecx &= ~CPUID1_ECX_VMX;
        r->ecx |= CPUID1_ECX_HYPERVISOR;
        /* OSXSAVE mirrors the guest's own CR4 (EMULATION.md). */
        r->ecx &= ~CPUID1_ECX_OSXSAVE;
        if (vmread(VMCS_GUEST_CR4) & CR4_OSXSAVE)
            r->ecx |= CPUID1_ECX_OSXSAVE;
        r->ebx = (r->ebx & 0xFF00FFFF) | (p->cpu_count << 16);
        /* Machine checks and thermal control are the platform's: their
         * MSRs trap and are refused, so the features are not shown. */
        r->edx &= ~CPUID1_EDX_PLATFORM_OWNED;
        break;
    case 7: /* IA32_ARCH_CAPABILITIES exists: it tells the x2APIC is locked */
        if (subleaf == 0)
            r->edx |= CPUID7_EDX_ARCH_CAPABILITIES;
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
    case LEAF_FREQUENCY:
        *r = (struct cpuid_regs){mhz, mhz, 100, 0};
        break;
    }
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
        adjust(leaf, subleaf, v->partition, &r);
    }
    v->regs.gpr[GPR_RAX] = r.eax;
    v->regs.gpr[GPR_RBX] = r.ebx;
    v->regs.gpr[GPR_RCX] = r.ecx;
    v->regs.gpr[GPR_RDX] = r.edx;
    vmx_advance_rip();
}
