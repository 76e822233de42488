/* CPU features (probe group 1): every feature bit CPUID shows, as
 * "cpuid.<leaf>.<reg>.<name> 0|1", then each advertised feature
 * exercised as "feat.<name> ok|#GP|#UD|..." (features_*.c). A partition
 * may hide a feature the bare machine shows (scenario 97 lists which and
 * why), but whatever it shows must work there as on the bare machine. */
#include "partitions/conform/conform.h"
#include "partitions/conform/cpu.h"

struct feature_bit {
    uint32_t leaf, subleaf;
    char reg; /* 'a', 'b', 'c', 'd' */
    uint8_t bit;
    const char *name;
};

/* SDM Vol. 2A, CPUID, tables 3-10, 3-11 and the leaf 7, 6, 0xD and
 * 0x8000000x descriptions. Leaf 0xA (PMU) belongs to probe_pmu. */
static const struct feature_bit bits[] = {
    {1, 0, 'c', 0, "sse3"}, {1, 0, 'c', 1, "pclmulqdq"}, {1, 0, 'c', 2, "dtes64"}, {1, 0, 'c', 3, "monitor"},
    {1, 0, 'c', 4, "ds_cpl"}, {1, 0, 'c', 5, "vmx"}, {1, 0, 'c', 6, "smx"}, {1, 0, 'c', 7, "est"},
    {1, 0, 'c', 8, "tm2"}, {1, 0, 'c', 9, "ssse3"}, {1, 0, 'c', 10, "cnxt_id"}, {1, 0, 'c', 11, "sdbg"},
    {1, 0, 'c', 12, "fma"}, {1, 0, 'c', 13, "cx16"}, {1, 0, 'c', 14, "xtpr"}, {1, 0, 'c', 15, "pdcm"},
    {1, 0, 'c', 17, "pcid"}, {1, 0, 'c', 18, "dca"}, {1, 0, 'c', 19, "sse4_1"}, {1, 0, 'c', 20, "sse4_2"},
    {1, 0, 'c', 21, "x2apic"}, {1, 0, 'c', 22, "movbe"}, {1, 0, 'c', 23, "popcnt"}, {1, 0, 'c', 24, "tsc_deadline"},
    {1, 0, 'c', 25, "aes"}, {1, 0, 'c', 26, "xsave"}, {1, 0, 'c', 27, "osxsave"}, {1, 0, 'c', 28, "avx"},
    {1, 0, 'c', 29, "f16c"}, {1, 0, 'c', 30, "rdrand"}, {1, 0, 'c', 31, "hypervisor"},
    {1, 0, 'd', 0, "fpu"}, {1, 0, 'd', 1, "vme"}, {1, 0, 'd', 2, "de"}, {1, 0, 'd', 3, "pse"},
    {1, 0, 'd', 4, "tsc"}, {1, 0, 'd', 5, "msr"}, {1, 0, 'd', 6, "pae"}, {1, 0, 'd', 7, "mce"},
    {1, 0, 'd', 8, "cx8"}, {1, 0, 'd', 9, "apic"}, {1, 0, 'd', 11, "sep"}, {1, 0, 'd', 12, "mtrr"},
    {1, 0, 'd', 13, "pge"}, {1, 0, 'd', 14, "mca"}, {1, 0, 'd', 15, "cmov"}, {1, 0, 'd', 16, "pat"},
    {1, 0, 'd', 17, "pse36"}, {1, 0, 'd', 18, "psn"}, {1, 0, 'd', 19, "clflush"}, {1, 0, 'd', 21, "ds"},
    {1, 0, 'd', 22, "acpi"}, {1, 0, 'd', 23, "mmx"}, {1, 0, 'd', 24, "fxsr"}, {1, 0, 'd', 25, "sse"},
    {1, 0, 'd', 26, "sse2"}, {1, 0, 'd', 27, "ss"}, {1, 0, 'd', 28, "htt"}, {1, 0, 'd', 29, "tm"},
    {1, 0, 'd', 31, "pbe"},
    {6, 0, 'a', 0, "dts"}, {6, 0, 'a', 1, "turbo"}, {6, 0, 'a', 2, "arat"}, {6, 0, 'a', 4, "pln"},
    {6, 0, 'a', 6, "pts"}, {6, 0, 'a', 7, "hwp"}, {6, 0, 'c', 0, "aperfmperf"},
    {7, 0, 'b', 0, "fsgsbase"}, {7, 0, 'b', 1, "tsc_adjust"}, {7, 0, 'b', 2, "sgx"}, {7, 0, 'b', 3, "bmi1"},
    {7, 0, 'b', 4, "hle"}, {7, 0, 'b', 5, "avx2"}, {7, 0, 'b', 6, "fdp_excptn_only"}, {7, 0, 'b', 7, "smep"},
    {7, 0, 'b', 8, "bmi2"}, {7, 0, 'b', 9, "erms"}, {7, 0, 'b', 10, "invpcid"}, {7, 0, 'b', 11, "rtm"},
    {7, 0, 'b', 12, "rdt_m"}, {7, 0, 'b', 13, "fpu_csds_dep"}, {7, 0, 'b', 14, "mpx"}, {7, 0, 'b', 15, "rdt_a"},
    {7, 0, 'b', 16, "avx512f"}, {7, 0, 'b', 17, "avx512dq"}, {7, 0, 'b', 18, "rdseed"}, {7, 0, 'b', 19, "adx"},
    {7, 0, 'b', 20, "smap"}, {7, 0, 'b', 21, "avx512ifma"}, {7, 0, 'b', 23, "clflushopt"}, {7, 0, 'b', 24, "clwb"},
    {7, 0, 'b', 25, "intel_pt"}, {7, 0, 'b', 26, "avx512pf"}, {7, 0, 'b', 27, "avx512er"},
    {7, 0, 'b', 28, "avx512cd"}, {7, 0, 'b', 29, "sha"}, {7, 0, 'b', 30, "avx512bw"}, {7, 0, 'b', 31, "avx512vl"},
    {7, 0, 'c', 1, "avx512vbmi"}, {7, 0, 'c', 2, "umip"}, {7, 0, 'c', 3, "pku"}, {7, 0, 'c', 4, "ospke"},
    {7, 0, 'c', 5, "waitpkg"}, {7, 0, 'c', 7, "cet_ss"}, {7, 0, 'c', 8, "gfni"}, {7, 0, 'c', 9, "vaes"},
    {7, 0, 'c', 16, "la57"}, {7, 0, 'c', 22, "rdpid"}, {7, 0, 'c', 25, "cldemote"}, {7, 0, 'c', 27, "movdiri"},
    {7, 0, 'c', 30, "sgx_lc"},
    {7, 0, 'd', 4, "fsrm"}, {7, 0, 'd', 10, "md_clear"}, {7, 0, 'd', 14, "serialize"}, {7, 0, 'd', 15, "hybrid"},
    {7, 0, 'd', 20, "cet_ibt"}, {7, 0, 'd', 26, "spec_ctrl"}, {7, 0, 'd', 27, "stibp"},
    {7, 0, 'd', 28, "l1d_flush"}, {7, 0, 'd', 29, "arch_capabilities"}, {7, 0, 'd', 30, "core_capabilities"},
    {7, 0, 'd', 31, "ssbd"},
    {0xD, 1, 'a', 0, "xsaveopt"}, {0xD, 1, 'a', 1, "xsavec"}, {0xD, 1, 'a', 2, "xgetbv1"},
    {0xD, 1, 'a', 3, "xsaves"},
    {0x80000001, 0, 'c', 0, "lahf_lm"}, {0x80000001, 0, 'c', 5, "lzcnt"}, {0x80000001, 0, 'c', 8, "prefetchw"},
    {0x80000001, 0, 'd', 11, "syscall"}, {0x80000001, 0, 'd', 20, "nx"}, {0x80000001, 0, 'd', 26, "page1gb"},
    {0x80000001, 0, 'd', 27, "rdtscp"}, {0x80000001, 0, 'd', 29, "lm"},
    {0x80000007, 0, 'd', 8, "invariant_tsc"},
};

int cpuid_bit(uint32_t leaf, uint32_t subleaf, char reg, unsigned bit)
{
    uint32_t max = conf_cpuid(leaf & 0x80000000u, 0).eax;
    if (leaf > max)
        return 0;
    struct conf_cpuid r = conf_cpuid(leaf, subleaf);
    uint32_t v = reg == 'a' ? r.eax : reg == 'b' ? r.ebx : reg == 'c' ? r.ecx : r.edx;
    return (v >> bit) & 1;
}

static void print_bits(void)
{
    char key[64];
    for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        const struct feature_bit *b = &bits[i];
        /* "cpuid.<leaf hex>[.<subleaf>].<reg>.<name>" */
        char *k = key;
        for (const char *s = "cpuid."; *s; s++)
            *k++ = *s;
        int started = 0;
        for (int sh = 28; sh >= 0; sh -= 4) {
            unsigned nib = (b->leaf >> sh) & 0xF;
            if (nib || started || sh == 0) {
                *k++ = "0123456789abcdef"[nib];
                started = 1;
            }
        }
        if (b->subleaf) {
            *k++ = '.';
            *k++ = (char)('0' + b->subleaf);
        }
        *k++ = '.';
        *k++ = 'e';
        *k++ = b->reg;
        *k++ = 'x';
        *k++ = '.';
        for (const char *s = b->name; *s && k < key + sizeof key - 1; s++)
            *k++ = *s;
        *k = 0;
        conf(key, "%d", cpuid_bit(b->leaf, b->subleaf, b->reg, b->bit));
    }
}

/* The identification leaves a kernel reads first: the same CPU model in
 * both runs, so family/model/stepping and the vendor must match. */
static void print_identity(void)
{
    struct conf_cpuid r = conf_cpuid(0, 0);
    char vendor[13];
    uint32_t w[3] = {r.ebx, r.edx, r.ecx};
    for (int i = 0; i < 12; i++)
        vendor[i] = (char)(w[i / 4] >> (8 * (i % 4)));
    vendor[12] = 0;
    conf("cpuid.0.vendor", "%s", vendor);
    conf("cpuid.0.eax.max_leaf", "0x%x", r.eax);
    conf("cpuid.80000000.eax.max_leaf", "0x%x", conf_cpuid(0x80000000u, 0).eax);
    conf("cpuid.1.eax.signature", "0x%x", conf_cpuid(1, 0).eax);
    conf("cpuid.1.ebx.clflush_size", "%u", (conf_cpuid(1, 0).ebx >> 8 & 0xFF) * 8);
    conf("cpuid.80000008.eax.phys_bits", "%u", conf_cpuid(0x80000008u, 0).eax & 0xFF);
}

const char *feat_key(const char *prefix, const char *name)
{
    static char key[80];
    char *k = key;
    for (const char *s = prefix; *s && k < key + 40; s++)
        *k++ = *s;
    for (const char *s = name; *s && k < key + sizeof key - 1; s++)
        *k++ = *s;
    *k = 0;
    return key;
}

void feat_not_advertised(const char *name) { conf(feat_key("feat.", name), "not-advertised"); }

void probe_cpu_features(void)
{
    print_identity();
    print_bits();
    probe_cr4_bits();
    probe_xsave();
    probe_feature_msrs();
    probe_feature_insns();
}
