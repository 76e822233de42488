/* MSRs behind advertised features (SDM Vol. 4 table 2-2): each read
 * (and where harmless a write of the value read, or a value that must
 * #GP) under conf_try. Values are printed where they are the CPU's or
 * the firmware's (the same bare and in a partition); counters and
 * addresses are not. */
#include "partitions/conform/conform.h"
#include "partitions/conform/cpu.h"

#define MSR_TSC 0x10
#define MSR_APIC_BASE 0x1B
#define MSR_FEATURE_CONTROL 0x3A
#define MSR_SPEC_CTRL 0x48
#define MSR_PRED_CMD 0x49
#define MSR_BIOS_SIGN_ID 0x8B
#define MSR_MTRRCAP 0xFE
#define MSR_ARCH_CAPABILITIES 0x10A
#define MSR_FLUSH_CMD 0x10B
#define MSR_SYSENTER_CS 0x174
#define MSR_MCG_CAP 0x179
#define MSR_MCG_STATUS 0x17A
#define MSR_MISC_ENABLE 0x1A0
#define MSR_MTRR_PHYSBASE0 0x200
#define MSR_PAT 0x277
#define MSR_MTRR_DEF_TYPE 0x2FF
#define MSR_DS_AREA 0x600
#define MSR_MPERF 0xE7
#define MSR_APERF 0xE8
#define MSR_EFER 0xC0000080u
#define MSR_TSC_AUX 0xC0000103u
#define MSR_UNIMPLEMENTED 0x2FFFu /* no MSR there on any Intel CPU (SDM Vol. 4) */

#define EFER_NXE (1ull << 11)
#define EFER_RESERVED1 (1ull << 1)
#define SPEC_CTRL_RESERVED63 (1ull << 63)
#define PRED_CMD_IBPB 1
#define FLUSH_CMD_L1D 1

/* "feat.msr.<name>.read ok|#GP"; the value too when show_value. */
static int read_msr(const char *name, uint32_t msr, int show_value, uint64_t *value)
{
    uint64_t v = 0;
    int r = conf_rdmsr(msr, &v);
    conf(feat_key("feat.msr.", name), "read %s", conf_fault_name(r));
    if (!r && show_value)
        conf(feat_key("feat.msr.value.", name), "0x%llx", v);
    if (value)
        *value = v;
    return r;
}

static void write_msr(const char *what, uint32_t msr, uint64_t v)
{
    conf(feat_key("feat.msr.", what), "write %s", conf_fault_name(conf_wrmsr(msr, v)));
}

/* Writes v, reads it back, restores old. */
static void round_trip(const char *what, uint32_t msr, uint64_t old, uint64_t v)
{
    int w = conf_wrmsr(msr, v);
    uint64_t back = 0;
    int r = w ? w : conf_rdmsr(msr, &back);
    conf(feat_key("feat.msr.", what), "%s", r ? conf_fault_name(r) : back == v ? "round-trips" : "readback-differs");
    conf_wrmsr(msr, old);
}

static void mtrr_and_pat(void)
{
    uint64_t v;
    if (cpuid_bit(1, 0, 'd', 12)) {
        read_msr("mtrrcap", MSR_MTRRCAP, 1, 0);
        if (!read_msr("mtrr_def_type", MSR_MTRR_DEF_TYPE, 1, &v))
            write_msr("mtrr_def_type.same", MSR_MTRR_DEF_TYPE, v);
        read_msr("mtrr_physbase0", MSR_MTRR_PHYSBASE0, 1, 0);
    } else {
        feat_not_advertised("mtrr");
    }
    if (cpuid_bit(1, 0, 'd', 16)) {
        if (!read_msr("pat", MSR_PAT, 1, &v)) {
            round_trip("pat.write", MSR_PAT, v, 0x0007040600070406ull); /* the reset value */
            /* Memory type 2 is reserved (SDM Vol. 3A 12.12.2). */
            write_msr("pat.reserved_type", MSR_PAT, (v & ~0xFFull) | 2);
            conf_wrmsr(MSR_PAT, v);
        }
    } else {
        feat_not_advertised("pat");
    }
}

static void machine_check(void)
{
    if (cpuid_bit(1, 0, 'd', 7) && cpuid_bit(1, 0, 'd', 14)) {
        read_msr("mcg_cap", MSR_MCG_CAP, 1, 0);
        read_msr("mcg_status", MSR_MCG_STATUS, 1, 0);
    } else {
        feat_not_advertised("mca");
    }
    if (cpuid_bit(1, 0, 'd', 21))
        read_msr("ds_area", MSR_DS_AREA, 0, 0);
    else
        feat_not_advertised("ds");
}

static void speculation(void)
{
    uint64_t v;
    if (cpuid_bit(7, 0, 'd', 26)) {
        if (!read_msr("spec_ctrl", MSR_SPEC_CTRL, 1, &v)) {
            round_trip("spec_ctrl.write", MSR_SPEC_CTRL, v, v);
            write_msr("spec_ctrl.reserved63", MSR_SPEC_CTRL, v | SPEC_CTRL_RESERVED63);
        }
        write_msr("pred_cmd.ibpb", MSR_PRED_CMD, PRED_CMD_IBPB);
        read_msr("pred_cmd", MSR_PRED_CMD, 0, 0); /* write-only: #GP */
    } else {
        feat_not_advertised("spec_ctrl");
    }
    if (cpuid_bit(7, 0, 'd', 28))
        write_msr("flush_cmd.l1d", MSR_FLUSH_CMD, FLUSH_CMD_L1D);
    if (cpuid_bit(7, 0, 'd', 29))
        read_msr("arch_capabilities", MSR_ARCH_CAPABILITIES, 1, 0);
    else
        feat_not_advertised("arch_capabilities");
}

static void efer_and_friends(void)
{
    uint64_t v;
    int nx = cpuid_bit(0x80000001u, 0, 'd', 20), lm = cpuid_bit(0x80000001u, 0, 'd', 29);
    int sc = cpuid_bit(0x80000001u, 0, 'd', 11);
    if ((nx || lm || sc) && !read_msr("efer", MSR_EFER, 1, &v)) {
        if (nx)
            round_trip("efer.nxe", MSR_EFER, v, v | EFER_NXE);
        write_msr("efer.reserved1", MSR_EFER, v | EFER_RESERVED1);
        conf_wrmsr(MSR_EFER, v);
    }
    if (cpuid_bit(1, 0, 'd', 11) && !read_msr("sysenter_cs", MSR_SYSENTER_CS, 0, &v))
        round_trip("sysenter_cs.write", MSR_SYSENTER_CS, v, 0x08);
    if (cpuid_bit(6, 0, 'c', 0)) {
        read_msr("mperf", MSR_MPERF, 0, 0);
        read_msr("aperf", MSR_APERF, 0, 0);
    }
}

void probe_feature_msrs(void)
{
    read_msr("tsc", MSR_TSC, 0, 0);
    read_msr("apic_base", MSR_APIC_BASE, 0, 0);
    read_msr("feature_control", MSR_FEATURE_CONTROL, 1, 0);
    read_msr("bios_sign_id", MSR_BIOS_SIGN_ID, 0, 0);
    read_msr("misc_enable", MSR_MISC_ENABLE, 1, 0);
    read_msr("unimplemented", MSR_UNIMPLEMENTED, 0, 0);
    mtrr_and_pat();
    machine_check();
    speculation();
    efer_and_friends();
    if (cpuid_bit(0x80000001u, 0, 'd', 27) || cpuid_bit(7, 0, 'c', 22)) {
        uint64_t v;
        if (!read_msr("tsc_aux", MSR_TSC_AUX, 0, &v))
            round_trip("tsc_aux.write", MSR_TSC_AUX, v, 0x5A);
    }
}
