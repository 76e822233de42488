/* The performance-monitoring facts a kernel acts on (SDM Vol. 3B 20.2,
 * 20.6.2.4): what CPUID shows (PDCM, leaf 0AH), whether the MSRs behind
 * it answer, and whether a programmed counter counts. Keys pmu.* and
 * msr.*. Values are facts that are the same on every run ("ok", "#GP",
 * "counts", "zero", counts of counters), never counter values.
 *
 * Only what CPUID promises is touched: a hidden PMU is not probed (a
 * kernel would not), so a partition that hides what the bare CPU shows
 * differs in pmu.version, which is the point of the comparison. */
#include "partitions/conform/conform.h"

#define CPUID1_ECX_PDCM (1u << 15)
#define MSR_PMC0 0xC1
#define MSR_PERFEVTSEL0 0x186
#define MSR_PERF_CAPABILITIES 0x345
#define MSR_FIXED_CTR0 0x309
#define MSR_FIXED_CTR_CTRL 0x38D
#define MSR_PERF_GLOBAL_STATUS 0x38E
#define MSR_PERF_GLOBAL_CTRL 0x38F
#define MSR_PERF_GLOBAL_OVF_CTRL 0x390
#define MSR_A_PMC0 0x4C1
#define PERF_CAP_FW_WRITE (1ull << 13)
#define EVTSEL_INST_RETIRED 0x4300C0ull /* event C0H umask 0, USR, OS, EN */
#define FIXED_CTR0_OS_USR 0x3ull
#define GLOBAL_PMC0 (1ull << 0)
#define GLOBAL_FIXED0 (1ull << 32)
#define LOOP 1000 /* iterations: several thousand instructions retired */

struct pmu_shown {
    uint32_t version, gp, gp_width, fixed, fixed_width;
};

/* key "msr.0x<n>.read" or ".write", value ok|#GP. */
static int read_msr(const char *key, uint32_t msr, uint64_t *value)
{
    int r = conf_rdmsr(msr, value);
    conf(key, "%s", conf_fault_name(r));
    return r;
}

static int write_msr(const char *key, uint32_t msr, uint64_t value)
{
    int r = conf_wrmsr(msr, value);
    conf(key, "%s", conf_fault_name(r));
    return r;
}

static void probe_perf_capabilities(void)
{
    uint64_t caps = 0;
    int pdcm = (conf_cpuid(1, 0).ecx & CPUID1_ECX_PDCM) != 0;
    conf("pmu.cpuid.pdcm", "%d", pdcm);
    if (!pdcm || read_msr("msr.0x345.read", MSR_PERF_CAPABILITIES, &caps))
        return;
    /* FW_WRITE: the only field a partition is promised (PEBS and LBR
     * fields are the CPU's and hidden in a partition). */
    conf("pmu.perf_capabilities.fw_write", "%d", (caps & PERF_CAP_FW_WRITE) != 0);
    if (caps & PERF_CAP_FW_WRITE)
        write_msr("msr.0x4c1.write", MSR_A_PMC0, 0);
}

static struct pmu_shown leaf_a(void)
{
    struct pmu_shown s = {0, 0, 0, 0, 0};
    if (conf_cpuid(0, 0).eax < 0xA)
        return s;
    struct conf_cpuid a = conf_cpuid(0xA, 0);
    s.version = a.eax & 0xFF;
    s.gp = (a.eax >> 8) & 0xFF;
    s.gp_width = (a.eax >> 16) & 0xFF;
    if (s.version >= 2) {
        s.fixed = a.edx & 0x1F;
        s.fixed_width = (a.edx >> 5) & 0xFF;
    }
    return s;
}

static void spin(void)
{
    for (volatile uint32_t i = 0; i < LOOP; i++)
        ;
}

/* "counts" when at least one instruction per iteration was counted. */
static void report_count(const char *key, uint32_t msr)
{
    uint64_t v = 0;
    int r = conf_rdmsr(msr, &v);
    conf(key, "%s", r ? conf_fault_name(r) : v >= LOOP ? "counts" : "zero");
}

/* PMC0 counting instructions retired, fixed counter 0 beside it, both
 * enabled through PERF_GLOBAL_CTRL (version 2 and later). */
static void count_instructions(const struct pmu_shown *s)
{
    uint64_t global = 0, status = 0;
    int has_global = s->version >= 2, has_fixed = s->fixed >= 1;
    write_msr("msr.0xc1.write", MSR_PMC0, 0);
    if (has_fixed)
        write_msr("msr.0x309.write", MSR_FIXED_CTR0, 0);
    if (has_global) {
        read_msr("msr.0x38f.read", MSR_PERF_GLOBAL_CTRL, &global);
        read_msr("msr.0x38e.read", MSR_PERF_GLOBAL_STATUS, &status);
        if (has_fixed)
            write_msr("msr.0x38d.write", MSR_FIXED_CTR_CTRL, FIXED_CTR0_OS_USR);
        write_msr("msr.0x38f.write", MSR_PERF_GLOBAL_CTRL, GLOBAL_PMC0 | (has_fixed ? GLOBAL_FIXED0 : 0));
    }
    write_msr("msr.0x186.write", MSR_PERFEVTSEL0, EVTSEL_INST_RETIRED);
    spin();
    conf_wrmsr(MSR_PERFEVTSEL0, 0); /* stop PMC0, then read both */
    if (has_fixed)
        conf_wrmsr(MSR_FIXED_CTR_CTRL, 0);
    report_count("pmu.pmc0.inst_retired", MSR_PMC0);
    if (has_fixed)
        report_count("pmu.fixed0.inst_retired", MSR_FIXED_CTR0);
    if (has_global) {
        conf_wrmsr(MSR_PERF_GLOBAL_CTRL, 0);
        write_msr("msr.0x390.write", MSR_PERF_GLOBAL_OVF_CTRL, 0);
    }
    conf_wrmsr(MSR_PMC0, 0);
    if (has_fixed)
        conf_wrmsr(MSR_FIXED_CTR0, 0);
}

void probe_pmu(void)
{
    probe_perf_capabilities();
    struct pmu_shown s = leaf_a();
    conf("pmu.version", "%u", s.version);
    if (!s.version || !s.gp)
        return;
    conf("pmu.gp_counters", "%u", s.gp);
    conf("pmu.gp_width", "%u", s.gp_width);
    conf("pmu.fixed_counters", "%u", s.fixed);
    if (s.fixed)
        conf("pmu.fixed_width", "%u", s.fixed_width);
    uint64_t v;
    read_msr("msr.0xc1.read", MSR_PMC0, &v);
    count_instructions(&s);
}
