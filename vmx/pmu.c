/* The partition's PMU (vmx/pmu.h). The counters run on the partition's
 * own CPU and count whatever executes there, its VM exits included: the
 * hypervisor's work on its behalf is part of its cost, as a kernel's is
 * of a process's. A counter overflow raises a PMI through the LVT perf
 * entry, whose writes are checked (vmx/lvt_check.c: fixed vector or NMI,
 * to its own CPU); a PMI delivered as NMI reaches the guest as one of
 * its own (vmx/nmi_policy.h, NMI_FOR_GUEST).
 *
 * The probe: a CPU may enumerate a PMU and refuse its MSRs (an emulator,
 * a hypervisor underneath). Each MSR a partition would be promised is
 * read, and written back with the value read, through the fault-safe
 * accessors; a refusal hides the PMU (leaf 0AH zeroed), a refused
 * PERF_CAPABILITIES hides PDCM. Whether the counters really count is
 * measured and logged, not acted on: a partition sees what the bare CPU
 * shows (Bochs 2.7 enumerates a version-4 PMU, accepts and ignores its
 * MSRs, and counts nothing: so it does in a partition). */
#include "vmx/pmu.h"

#include "arch/x86/cpu.h"
#include "arch/x86/extable.h"
#include "hv/console.h"
#include "vmx/cpuid_policy.h"

#define LEAF_PMU 0xA
#define CPUID1_ECX_PDCM (1u << 15)
#define MSR_PMC0 0xC1
#define MSR_PERFEVTSEL0 0x186
#define MSR_PERF_CAPABILITIES 0x345
#define MSR_FIXED_CTR0 0x309
#define MSR_FIXED_CTR_CTRL 0x38D
#define MSR_PERF_GLOBAL_STATUS 0x38E
#define MSR_PERF_GLOBAL_CTRL 0x38F
#define MSR_PERF_GLOBAL_OVF_CTRL 0x390
#define FIXED_CTR0_OS_USR 0x3ull              /* FIXED_CTR_CTRL bits 1:0 (SDM 20.2.2) */
#define GLOBAL_CTRL_FIXED0 (1ull << 32)
#define EVTSEL_INST_RETIRED 0x4300C0ull       /* event C0H, USR, OS, EN (SDM 20.2.1.1) */
#define PROBE_LOOP 1000

enum probe_state { PROBE_NONE, PROBE_RUNNING, PROBE_DONE };

static struct {
    uint32_t state;      /* enum probe_state */
    uint32_t conditions; /* CPUID_COND_PMU, CPUID_COND_PDCM */
    uint32_t version, gp, fixed; /* as shown (clamped) */
} pmu;

/* Read, then write back what was read: refused either way, or not. */
static bool msr_accepted(uint32_t msr)
{
    uint64_t v;
    return rdmsr_safe(msr, &v) == 0 && wrmsr_safe(msr, v) == 0;
}

static bool pmu_msrs_accepted(void)
{
    for (uint32_t i = 0; i < pmu.gp; i++)
        if (!msr_accepted(MSR_PMC0 + i) || !msr_accepted(MSR_PERFEVTSEL0 + i))
            return false;
    for (uint32_t i = 0; i < pmu.fixed; i++)
        if (!msr_accepted(MSR_FIXED_CTR0 + i))
            return false;
    uint64_t status;
    if (pmu.version < 2)
        return true;
    return (!pmu.fixed || msr_accepted(MSR_FIXED_CTR_CTRL)) && msr_accepted(MSR_PERF_GLOBAL_CTRL) &&
           rdmsr_safe(MSR_PERF_GLOBAL_STATUS, &status) == 0 && wrmsr_safe(MSR_PERF_GLOBAL_OVF_CTRL, 0) == 0;
}

/* Instructions retired over a short loop, by PMC0 (version 1) or fixed
 * counter 0: 0 when the CPU does not count. */
static uint64_t count_a_loop(void)
{
    uint64_t count = 0;
    if (pmu.version >= 2 && pmu.fixed) {
        wrmsr_safe(MSR_FIXED_CTR0, 0);
        wrmsr_safe(MSR_FIXED_CTR_CTRL, FIXED_CTR0_OS_USR);
        wrmsr_safe(MSR_PERF_GLOBAL_CTRL, GLOBAL_CTRL_FIXED0);
    } else {
        wrmsr_safe(MSR_PMC0, 0);
        wrmsr_safe(MSR_PERFEVTSEL0, EVTSEL_INST_RETIRED);
        if (pmu.version >= 2)
            wrmsr_safe(MSR_PERF_GLOBAL_CTRL, 1);
    }
    for (volatile uint32_t i = 0; i < PROBE_LOOP; i++)
        ;
    rdmsr_safe(pmu.version >= 2 && pmu.fixed ? MSR_FIXED_CTR0 : MSR_PMC0, &count);
    pmu_clear_this_cpu();
    return count;
}

static void probe(void)
{
    struct cpuid_regs one = cpuid(1, 0);
    uint64_t caps;
    if ((one.ecx & CPUID1_ECX_PDCM) && rdmsr_safe(MSR_PERF_CAPABILITIES, &caps) == 0)
        pmu.conditions |= CPUID_COND_PDCM;
    struct cpuid_regs a = cpuid(0, 0).eax >= LEAF_PMU ? cpuid(LEAF_PMU, 0) : (struct cpuid_regs){0};
    cpuid_pmu_leaf(&a);
    pmu.version = a.eax & 0xFF;
    pmu.gp = (a.eax >> 8) & 0xFF;
    pmu.fixed = pmu.version >= 2 ? a.edx & 0x1F : 0;
    const char *pdcm = pmu.conditions & CPUID_COND_PDCM ? "PERF_CAPABILITIES shown" : "PDCM hidden";
    if (!pmu.version) {
        printk("PMU: none enumerated; %s", pdcm);
        return;
    }
    if (!pmu_msrs_accepted()) {
        printk("PMU: version %u enumerated but its MSRs refused: hidden from partitions; %s", pmu.version, pdcm);
        return;
    }
    pmu.conditions |= CPUID_COND_PMU;
    uint64_t counted = count_a_loop();
    printk("PMU: version %u, %u counters, %u fixed: shown to partitions (%s); %s", pmu.version, pmu.gp, pmu.fixed,
           counted ? "counts" : "the CPU accepts its MSRs but counts nothing", pdcm);
}

void pmu_vcpu_start(void)
{
    uint32_t none = PROBE_NONE;
    if (__atomic_compare_exchange_n(&pmu.state, &none, PROBE_RUNNING, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        probe();
        __atomic_store_n(&pmu.state, PROBE_DONE, __ATOMIC_RELEASE);
    }
    while (__atomic_load_n(&pmu.state, __ATOMIC_ACQUIRE) != PROBE_DONE)
        cpu_relax();
    pmu_clear_this_cpu();
}

void pmu_clear_this_cpu(void)
{
    if (!(pmu.conditions & CPUID_COND_PMU))
        return;
    uint64_t status = 0;
    if (pmu.version >= 2)
        wrmsr_safe(MSR_PERF_GLOBAL_CTRL, 0); /* first: nothing counts while the rest is cleared */
    for (uint32_t i = 0; i < pmu.gp; i++) {
        wrmsr_safe(MSR_PERFEVTSEL0 + i, 0);
        wrmsr_safe(MSR_PMC0 + i, 0);
    }
    if (pmu.fixed)
        wrmsr_safe(MSR_FIXED_CTR_CTRL, 0);
    for (uint32_t i = 0; i < pmu.fixed; i++)
        wrmsr_safe(MSR_FIXED_CTR0 + i, 0);
    if (pmu.version >= 2 && rdmsr_safe(MSR_PERF_GLOBAL_STATUS, &status) == 0 && status)
        wrmsr_safe(MSR_PERF_GLOBAL_OVF_CTRL, status); /* write 1 to clear (SDM 20.2.2) */
}

uint32_t pmu_cpuid_conditions(void) { return __atomic_load_n(&pmu.conditions, __ATOMIC_RELAXED); }

bool pmu_read_perf_capabilities(uint64_t *value)
{
    uint64_t real;
    if (!(pmu_cpuid_conditions() & CPUID_COND_PDCM) || rdmsr_safe(MSR_PERF_CAPABILITIES, &real) != 0)
        return false;
    *value = cpuid_perf_capabilities_shown(real);
    return true;
}
