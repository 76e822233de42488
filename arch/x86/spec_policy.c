/* Mitigation decisions (arch/x86/spec_policy.h). The exit path itself
 * needs no RSB stuffing: VM exits enter vmx_exit_entry (HOST_RIP), which
 * never returns — every RET in root mode matches a CALL made after the
 * exit, so no return consumes an RSB entry the guest left (the case
 * Intel's RSB-stuffing guidance and PBRSB are about). Indirect branches
 * are retpolines (Makefile, arch/x86/retpoline.S); on CPUs whose returns
 * may fall back to the indirect predictor when the RSB underflows (RSBA:
 * Skylake-era cores) root mode also runs with IBRS set where the CPU has
 * it. */
#include "arch/x86/spec_policy.h"

#include "hv/fmt.h"

static bool has(const struct spec_features *f, uint32_t edx_bit) { return (f->cpuid7_edx & edx_bit) != 0; }

struct spec_policy spec_policy_decide(const struct spec_features *f, char *desc, size_t desc_len)
{
    struct spec_policy p = {0};
    bool spec_ctrl = has(f, CPUID7_EDX_IBRS_IBPB) || has(f, CPUID7_EDX_SSBD);
    uint64_t ac = has(f, CPUID7_EDX_ARCH_CAP) ? f->arch_cap : 0;
    p.eibrs = has(f, CPUID7_EDX_IBRS_IBPB) && (ac & ARCH_CAP_IBRS_ALL);
    /* Without IA32_ARCH_CAPABILITIES an Intel CPU is assumed affected
     * (it predates the "not affected" bits). */
    bool rsba = f->intel && (!(ac & ARCH_CAP_IBRS_ALL) || (ac & ARCH_CAP_RSBA));
    if (spec_ctrl) {
        /* The guest's SPEC_CTRL passes through (vmx/msr_policy.c); the
         * host's value is restored at every exit (before any indirect
         * branch) and the guest's at every entry. */
        p.entry_flags |= SPEC_SWITCH_SPEC_CTRL;
        if (has(f, CPUID7_EDX_IBRS_IBPB) && (p.eibrs || rsba))
            p.host_spec_ctrl = SPEC_CTRL_IBRS;
    }
    bool mds = f->intel && !(ac & ARCH_CAP_MDS_NO);
    bool taa = f->intel && !(ac & ARCH_CAP_TAA_NO);
    if ((mds || taa) && has(f, CPUID7_EDX_MD_CLEAR))
        p.entry_flags |= SPEC_VERW;
    p.l1tf = f->intel && !(ac & ARCH_CAP_RDCL_NO) && !(ac & ARCH_CAP_SKIP_L1DFL_VMENTRY);
    if (p.l1tf)
        p.entry_flags |= has(f, CPUID7_EDX_L1D_FLUSH) ? SPEC_L1D_FLUSH_MSR : SPEC_L1D_FLUSH_SW;
    if (desc)
        fmt_snprintf(desc, desc_len,
                     "retpolines; SPEC_CTRL %s%s; returns: no unbalanced RET after exit%s; MDS/TAA: %s; L1TF: %s",
                     !spec_ctrl ? "not enumerated" : "switched at exit/entry",
                     p.host_spec_ctrl ? (p.eibrs ? ", eIBRS kept set in root mode" : ", IBRS set in root mode") : "",
                     rsba && !p.host_spec_ctrl ? " (RSBA CPU without IBRS: BTB fallback unprotected)" : "",
                     p.entry_flags & SPEC_VERW ? "VERW before entry"
                     : (mds || taa)            ? "affected, no MD_CLEAR (microcode update needed)"
                                               : "not affected",
                     !p.l1tf                                 ? "not affected"
                     : (p.entry_flags & SPEC_L1D_FLUSH_MSR) ? "L1D flush (IA32_FLUSH_CMD) before entries after foreign data"
                                                             : "software L1D flush before entries after foreign data");
    return p;
}
