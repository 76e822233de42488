/* Which guest MSR accesses reach the hardware without a VM exit, one line
 * per MSR or range (in the style of Jailhouse's MSR lists). The goals:
 * the RTOS's timer path (TSC_DEADLINE, EOI, TPR) never exits; the
 * hypervisor keeps control of what isolates partitions (APIC mode, EFER,
 * VMX, IPIs and LVT delivery modes, TSC). Every partition owns its CPUs
 * outright, so per-CPU state it passes through affects only itself. vmx/bitmaps.c turns this
 * into the MSR bitmap (SDM Vol. 3C 25.6.9); MSRs not listed exit both
 * ways and go to the MSR exit handler. Sorted, no overlaps (tested). */
#include "vmx/bitmaps.h"

#define NONE MSR_PASS_NONE
#define READ MSR_PASS_READ
#define WRITE MSR_PASS_WRITE
#define BOTH MSR_PASS_BOTH

const struct msr_rule msr_policy[] = {
    /* first       last        pass   why */
    {0x10,       0x10,       READ,  "TSC: reads native (plus the vCPU's TSC offset); writes exit: they set its offset"},
    {0x1B,       0x1B,       NONE,  "APIC_BASE: the hypervisor keeps the LAPIC in x2APIC mode"},
    {0x3A,       0x3A,       NONE,  "FEATURE_CONTROL: VMX is hidden from guests"},
    {0x3B,       0x3B,       NONE,  "TSC_ADJUST: the vCPU's own view, moved by its writes; reads pass while its offset is 0 (vmx/tsc_vcpu.c)"},
    {0x48,       0x48,       BOTH,  "SPEC_CTRL: the partition's own speculation controls on its own CPUs"},
    {0x49,       0x49,       WRITE, "PRED_CMD: write-only barrier command (IBPB); reads #GP natively"},
    {0x8B,       0x8B,       READ,  "BIOS_SIGN_ID: microcode revision; the write of 0 before CPUID exits, ignored"},
    {0xC1,       0xC8,       BOTH,  "PMC0-7: its own CPU's counters (vmx/pmu.c); beyond CPUID 0AH's count #GP natively"},
    {0xCE,       0xCE,       READ,  "PLATFORM_INFO: read-only frequency information"},
    {0xE7,       0xE8,       READ,  "MPERF, APERF: frequency counters; writes exit"},
    {0xFE,       0xFE,       READ,  "MTRRCAP: read-only MTRR capabilities"},
    {0x174,      0x176,      BOTH,  "SYSENTER_CS/ESP/EIP: guest-state fields of the VMCS (SDM 25.4.1)"},
    {0x186,      0x18D,      BOTH,  "PERFEVTSEL0-7: AnyThread counts only an SMT sibling of its own partition or an idle CPU"},
    {0x1A0,      0x1A0,      READ,  "MISC_ENABLE: reads native; writes exit (package-wide bits)"},
    {0x200,      0x26F,      READ,  "MTRR variable and fixed ranges: writes exit, MTRRs must match on all CPUs"},
    {0x277,      0x277,      BOTH,  "PAT: guest-state field of the VMCS, loaded and saved on entry and exit"},
    {0x2FF,      0x2FF,      READ,  "MTRR_DEF_TYPE: writes exit, as for the ranges"},
    {0x309,      0x30B,      BOTH,  "FIXED_CTR0-2: instructions, core and reference cycles of its own CPU"},
    {0x38D,      0x38D,      BOTH,  "FIXED_CTR_CTRL: its fixed counters; PMIs go through the checked LVT perf entry"},
    {0x38E,      0x38E,      READ,  "PERF_GLOBAL_STATUS: read-only overflow status"},
    {0x38F,      0x390,      BOTH,  "PERF_GLOBAL_CTRL, PERF_GLOBAL_OVF_CTRL: its counters' enables and overflow reset"},
    {0x480,      0x491,      NONE,  "VMX capability MSRs: VMX is hidden from guests"},
    {0x4C1,      0x4C8,      BOTH,  "A_PMC0-7: full-width PMC writes where PERF_CAPABILITIES.FW_WRITE says so"},
    {0x6E0,      0x6E0,      BOTH,  "TSC_DEADLINE: the RTOS's timer, no exit; trapped per vCPU while its TSC offset is not 0"},
    {0x802,      0x803,      READ,  "x2APIC ID, version: read-only"},
    {0x808,      0x808,      BOTH,  "x2APIC TPR: its own LAPIC's priority"},
    {0x80B,      0x80B,      BOTH,  "x2APIC EOI: interrupt completion on the timer path; reads #GP natively"},
    {0x80D,      0x80D,      READ,  "x2APIC LDR: read-only in x2APIC mode"},
    {0x80F,      0x80F,      BOTH,  "x2APIC SVR: spurious vector and software enable of its own LAPIC"},
    {0x810,      0x827,      READ,  "x2APIC ISR, TMR, IRR: read-only interrupt state"},
    {0x828,      0x828,      BOTH,  "x2APIC ESR: its own LAPIC's error status"},
    {0x82F,      0x82F,      READ,  "x2APIC LVT CMCI: writes exit, no SMI/INIT/ExtINT delivery (vmx/lvt_check.c)"},
    {0x830,      0x830,      NONE,  "x2APIC ICR: IPIs are checked against the partition's CPUs"},
    {0x832,      0x837,      READ,  "x2APIC LVT timer, thermal, perf, LINT0/1, error: writes exit, as for CMCI"},
    {0x838,      0x838,      BOTH,  "x2APIC timer initial count: its own LAPIC's timer"},
    {0x839,      0x839,      READ,  "x2APIC timer current count: read-only"},
    {0x83E,      0x83E,      BOTH,  "x2APIC timer divide configuration: its own LAPIC"},
    {0x83F,      0x83F,      BOTH,  "x2APIC SELF_IPI: targets only its own CPU"},
    {0xC0000080, 0xC0000080, NONE,  "EFER: writes are validated (LME/LMA, NXE) by the exit handler"},
    {0xC0000081, 0xC0000084, BOTH,  "STAR, LSTAR, CSTAR, SFMASK: the hypervisor never executes SYSCALL"},
    {0xC0000100, 0xC0000101, BOTH,  "FS_BASE, GS_BASE: guest-state fields of the VMCS (SDM 25.4.1)"},
    {0xC0000102, 0xC0000102, BOTH,  "KERNEL_GS_BASE: the hypervisor never executes SWAPGS"},
    {0xC0000103, 0xC0000103, BOTH,  "TSC_AUX: RDTSCP/RDPID value; the hypervisor does not read it"},
};

const size_t msr_policy_count = sizeof msr_policy / sizeof msr_policy[0];
