/* What CPUID shows a partition, one readable table (vmx/cpuid_policy.c),
 * pure and host-tested (tests/unit/test_cpuid_policy.c); vmx/exit_cpuid.c
 * applies it. The rule the table keeps: every feature a partition sees
 * works as on the bare CPU, including the MSRs it brings (cross-checked
 * against vmx/msr_policy.c and cpuid_msr_emulated[] by the test); what
 * the hypervisor refuses is hidden.
 *
 * A register the table names is a whitelist: bits no row names are
 * cleared (a bit a newer CPU defines is hidden until someone decides on
 * it). A register it does not name passes as the CPU reports it (cache
 * and TLB descriptors, the brand string, XSAVE component sizes). */
#ifndef VMX_CPUID_POLICY_H
#define VMX_CPUID_POLICY_H

#include "arch/x86/cpu.h"
#include "vmx/bitmaps.h"

enum cpuid_reg { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX, CPUID_ALL_REGS };

enum cpuid_treatment {
    CPUID_PASSED,   /* as the CPU reports it */
    CPUID_HIDDEN,   /* cleared */
    CPUID_EMULATED, /* kept here; its value is the hypervisor's (vmx/exit_cpuid.c) */
};

/* Conditions a passed feature may depend on: shown only when it holds. */
#define CPUID_COND_PMU (1u << 0)     /* the boot CPU accepted the PMU MSRs (vmx/pmu.c) */
#define CPUID_COND_PDCM (1u << 1)    /* the boot CPU accepted PERF_CAPABILITIES reads */
#define CPUID_COND_RDTSCP (1u << 2)  /* VMX "enable RDTSCP" on (else RDTSCP and RDPID #UD) */
#define CPUID_COND_INVPCID (1u << 3) /* VMX "enable INVPCID" on (else INVPCID #UD) */

#define CPUID_ANY_SUBLEAF 0xFFFFFFFFu
#define CPUID_MAX_MSR_RANGES 4

/* An MSR range a feature brings, and what the feature needs of it. */
struct cpuid_msr_range {
    uint32_t first, last;
    enum msr_pass needs; /* MSR_PASS_READ, _WRITE or _BOTH */
};

struct cpuid_rule {
    uint32_t leaf, subleaf; /* subleaf CPUID_ANY_SUBLEAF: every subleaf */
    enum cpuid_reg reg;     /* CPUID_ALL_REGS: the whole leaf (mask ~0) */
    uint32_t mask;          /* the bit, bits or field */
    enum cpuid_treatment treatment;
    uint32_t condition;     /* CPUID_COND_*, 0 = none (passed rows only) */
    const char *name;
    const char *why;
    struct cpuid_msr_range msrs[CPUID_MAX_MSR_RANGES]; /* ends at needs == MSR_PASS_NONE */
};

/* Sorted by leaf, subleaf (CPUID_ANY_SUBLEAF before numbered ones), reg,
 * lowest bit; no two rows of one register overlap (tested). */
extern const struct cpuid_rule cpuid_policy[];
extern const size_t cpuid_policy_count;

/* MSRs the MSR exit handler (vmx/exit_msr.c) emulates, with the
 * directions it serves rather than refuses: what a feature may rely on
 * besides what msr_policy passes to the hardware. Sorted. */
extern const struct msr_rule cpuid_msr_emulated[];
extern const size_t cpuid_msr_emulated_count;

/* Applies the table to r (as the CPU answered leaf, subleaf).
 * conditions() says which CPUID_COND_* hold; it is asked only when a row
 * of the leaf depends on one. A leaf the table does not name costs a few
 * comparisons (CPUID(0) is the exit benchmark, docs/PERFORMANCE.md). */
void cpuid_policy_apply(uint32_t leaf, uint32_t subleaf, uint32_t (*conditions)(void), struct cpuid_regs *r);

/* Leaf 0AH as shown (SDM Vol. 3B 20.2.1-20.2.5): counts clamped to the
 * counters vmx/msr_policy.c passes (8 general-purpose, 3 fixed), the
 * fixed-counter bitmap (version 5) likewise. */
#define PMU_MAX_GP_COUNTERS 8
#define PMU_MAX_FIXED_COUNTERS 3
void cpuid_pmu_leaf(struct cpuid_regs *r);

/* IA32_PERF_CAPABILITIES as shown (SDM Vol. 3B 20.6.2.4 and Vol. 4,
 * MSR 345H): only full-width counter writes (bit 13) stay; LBR format,
 * PEBS trap/arch-regs/record format/baseline, SMM freeze, PERF_METRICS
 * and PEBS-to-PT are cleared, their MSRs being refused. */
uint64_t cpuid_perf_capabilities_shown(uint64_t real);

#endif
