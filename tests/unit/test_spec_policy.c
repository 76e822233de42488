/* Speculation mitigation decisions (arch/x86/spec_policy.c) for the CPUs
 * a partitioning hypervisor meets: one that enumerates nothing (old
 * microcode, or Bochs), Skylake with updated microcode, a part with
 * enhanced IBRS that is not affected by MDS or L1TF, and non-Intel. */
#include <string.h>

#include "arch/x86/spec_policy.h"
#include "unit.h"

static struct spec_policy decide(bool intel, uint32_t edx, uint64_t arch_cap, char *desc)
{
    struct spec_features f = {intel, edx, arch_cap};
    return spec_policy_decide(&f, desc, 320);
}

TEST(nothing_enumerated_means_software_l1d_flush_and_no_msr_use)
{
    char desc[320];
    struct spec_policy p = decide(true, 0, 0, desc);
    CHECK_EQ(p.entry_flags, SPEC_L1D_FLUSH_SW); /* no SPEC_CTRL to switch, no VERW that would clear anything */
    CHECK_EQ(p.host_spec_ctrl, 0);
    CHECK(p.l1tf);
    CHECK(strstr(desc, "no MD_CLEAR") != NULL);
    CHECK(strstr(desc, "BTB fallback unprotected") != NULL);
}

TEST(skylake_with_microcode_runs_ibrs_in_root_mode_verw_and_flush_msr)
{
    char desc[320];
    uint32_t edx = CPUID7_EDX_IBRS_IBPB | CPUID7_EDX_STIBP | CPUID7_EDX_L1D_FLUSH | CPUID7_EDX_MD_CLEAR |
                   CPUID7_EDX_SSBD | CPUID7_EDX_ARCH_CAP;
    struct spec_policy p = decide(true, edx, 0, desc);
    CHECK_EQ(p.entry_flags, SPEC_SWITCH_SPEC_CTRL | SPEC_VERW | SPEC_L1D_FLUSH_MSR);
    CHECK_EQ(p.host_spec_ctrl, SPEC_CTRL_IBRS);
    CHECK(!p.eibrs);
}

TEST(eibrs_part_not_affected_keeps_ibrs_and_skips_buffer_and_l1d_clearing)
{
    uint32_t edx = CPUID7_EDX_IBRS_IBPB | CPUID7_EDX_L1D_FLUSH | CPUID7_EDX_MD_CLEAR | CPUID7_EDX_ARCH_CAP;
    uint64_t ac = ARCH_CAP_RDCL_NO | ARCH_CAP_IBRS_ALL | ARCH_CAP_SKIP_L1DFL_VMENTRY | ARCH_CAP_MDS_NO |
                  ARCH_CAP_TAA_NO;
    struct spec_policy p = decide(true, edx, ac, NULL);
    CHECK_EQ(p.entry_flags, SPEC_SWITCH_SPEC_CTRL);
    CHECK_EQ(p.host_spec_ctrl, SPEC_CTRL_IBRS);
    CHECK(p.eibrs);
    CHECK(!p.l1tf);
}

TEST(skip_l1d_flush_hint_or_rdcl_no_each_ends_the_flush)
{
    uint32_t edx = CPUID7_EDX_L1D_FLUSH | CPUID7_EDX_ARCH_CAP;
    CHECK(!decide(true, edx, ARCH_CAP_RDCL_NO, NULL).l1tf);
    CHECK(!decide(true, edx, ARCH_CAP_SKIP_L1DFL_VMENTRY, NULL).l1tf);
    CHECK(decide(true, edx, ARCH_CAP_MDS_NO, NULL).l1tf);
}

TEST(arch_capabilities_ignored_unless_cpuid_says_it_exists)
{
    /* A value read without CPUID.7:EDX[29] means nothing. */
    struct spec_policy p = decide(true, CPUID7_EDX_IBRS_IBPB, ARCH_CAP_IBRS_ALL | ARCH_CAP_RDCL_NO, NULL);
    CHECK(!p.eibrs);
    CHECK(p.l1tf);
}

TEST(mds_affected_with_md_clear_uses_verw_unaffected_does_not)
{
    uint32_t edx = CPUID7_EDX_MD_CLEAR | CPUID7_EDX_ARCH_CAP;
    CHECK(decide(true, edx, ARCH_CAP_RDCL_NO, NULL).entry_flags & SPEC_VERW);
    CHECK(!(decide(true, edx, ARCH_CAP_RDCL_NO | ARCH_CAP_MDS_NO | ARCH_CAP_TAA_NO, NULL).entry_flags & SPEC_VERW));
    CHECK(decide(true, edx, ARCH_CAP_RDCL_NO | ARCH_CAP_MDS_NO, NULL).entry_flags & SPEC_VERW); /* TAA */
}

TEST(other_vendors_get_only_the_spec_ctrl_switch)
{
    struct spec_policy p = decide(false, CPUID7_EDX_IBRS_IBPB | CPUID7_EDX_SSBD, 0, NULL);
    CHECK_EQ(p.entry_flags, SPEC_SWITCH_SPEC_CTRL);
    CHECK_EQ(p.host_spec_ctrl, 0);
    CHECK(!p.l1tf);
}
