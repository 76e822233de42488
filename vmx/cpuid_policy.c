/* CPUID as a partition sees it, one row per feature (vmx/cpuid_policy.h
 * says how the table is read). Bits are from the Intel SDM Vol. 2A,
 * CPUID; MSRs from Vol. 4. "refused" means the MSR is not in
 * vmx/msr_policy.c and not emulated (cpuid_msr_emulated below): the exit
 * handler answers #GP. A hidden feature's instructions may still execute
 * (CPUID cannot take them away); an OS that trusts CPUID does not use
 * them. Sorted by leaf, subleaf, register, lowest bit (tested). */
#include "vmx/cpuid_policy.h"

#define BIT(n) (1u << (n))
#define FIELD(lo, hi) ((uint32_t)((~0ull >> (63 - (hi))) & ~((1ull << (lo)) - 1)))
#define ANY CPUID_ANY_SUBLEAF
#define PASS CPUID_PASSED
#define HIDE CPUID_HIDDEN
#define EMUL CPUID_EMULATED
#define R MSR_PASS_READ
#define W MSR_PASS_WRITE
#define RW MSR_PASS_BOTH
#define EAX CPUID_EAX
#define EBX CPUID_EBX
#define ECX CPUID_ECX
#define EDX CPUID_EDX
#define ALL CPUID_ALL_REGS
#define PMU CPUID_COND_PMU

/* Instruction-set extensions: no MSR, no VM exit, nothing to decide. */
#define L1_ECX_ISA (BIT(0) | BIT(1) | BIT(9) | BIT(12) | BIT(13) | BIT(19) | BIT(20) | BIT(22) | BIT(23) | BIT(25) | \
                    BIT(28) | BIT(29) | BIT(30))
#define L1_EDX_ISA (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(5) | BIT(6) | BIT(8) | BIT(13) | BIT(15) | BIT(17) | \
                    BIT(19) | BIT(23) | BIT(24) | BIT(25) | BIT(26) | BIT(27))
#define L7_EBX_ISA (BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(8) | BIT(9) | BIT(11) | BIT(13) | BIT(16) | BIT(17) | \
                    BIT(18) | BIT(19) | BIT(21) | BIT(23) | BIT(24) | BIT(26) | BIT(27) | BIT(28) | BIT(29) | \
                    BIT(30) | BIT(31))
#define L7_ECX_ISA (BIT(0) | BIT(1) | BIT(6) | BIT(8) | BIT(9) | BIT(10) | BIT(11) | BIT(12) | BIT(14) | BIT(25) | \
                    BIT(27) | BIT(28))
#define L7_EDX_ISA (BIT(2) | BIT(3) | BIT(4) | BIT(8) | BIT(14) | BIT(16) | BIT(22) | BIT(23) | BIT(24) | BIT(25))
#define L71_EAX_ISA (BIT(4) | BIT(5) | BIT(10) | BIT(11) | BIT(12))

/* The MSRs of the architectural PMU a partition gets (vmx/pmu.c). */
#define PMU_GP_MSRS {0xC1, 0xC8, RW}, {0x186, 0x18D, RW}, {0x38E, 0x38E, R}, {0x38F, 0x390, RW}
#define PMU_FIXED_MSRS {0x309, 0x30B, RW}, {0x38D, 0x38D, RW}
#define SPEC_CTRL_MSR {0x48, 0x48, RW}

const struct cpuid_rule cpuid_policy[] = {
    /* leaf 1: version and features */
    {1, ANY, EBX, FIELD(0, 15), PASS, 0, "brand index, CLFLUSH line size", "facts about the CPU", {{0}}},
    {1, ANY, EBX, FIELD(16, 23), EMUL, 0, "logical processor count", "the partition's CPU count", {{0}}},
    {1, ANY, EBX, FIELD(24, 31), PASS, 0, "initial APIC id", "the CPU's own id, as its x2APIC reports it", {{0}}},
    {1, ANY, ECX, L1_ECX_ISA, PASS, 0, "SSE3 PCLMULQDQ SSSE3 FMA CX16 SSE4.1 SSE4.2 MOVBE POPCNT AES AVX F16C RDRAND",
     "instruction-set extensions: no MSR, no exit", {{0}}},
    {1, ANY, ECX, BIT(2), HIDE, 0, "DTES64", "the debug store: DS_AREA (0x600) is refused", {{0}}},
    {1, ANY, ECX, BIT(3), HIDE, 0, "MONITOR/MWAIT",
     "MWAIT does not exit (no MWAIT exiting): it would bypass hlt_exits and pick C-states the platform owns; HLT is "
     "the idle instruction (leaf 5 hidden too)", {{0}}},
    {1, ANY, ECX, BIT(4), HIDE, 0, "DS-CPL", "the debug store: DS_AREA (0x600) is refused", {{0}}},
    {1, ANY, ECX, BIT(5), HIDE, 0, "VMX", "VMX is the hypervisor's: FEATURE_CONTROL reads locked, 0x480-0x491 refused",
     {{0}}},
    {1, ANY, ECX, BIT(6), HIDE, 0, "SMX", "GETSEC exits and is refused", {{0}}},
    {1, ANY, ECX, BIT(7), HIDE, 0, "EIST", "frequency is the platform's: PERF_CTL (0x199) is refused", {{0}}},
    {1, ANY, ECX, BIT(8), HIDE, 0, "TM2", "thermal control is the platform's (0x19A-0x19B refused)", {{0}}},
    {1, ANY, ECX, BIT(10), HIDE, 0, "CNXT-ID", "set through MISC_ENABLE, whose writes are ignored", {{0}}},
    {1, ANY, ECX, BIT(11), HIDE, 0, "SDBG", "DEBUG_INTERFACE (0xC80) is refused", {{0}}},
    {1, ANY, ECX, BIT(14), HIDE, 0, "xTPR update control", "set through MISC_ENABLE, whose writes are ignored", {{0}}},
    {1, ANY, ECX, BIT(15), PASS, CPUID_COND_PDCM, "PDCM",
     "PERF_CAPABILITIES (0x345) is emulated read-only: the CPU's value less PEBS and LBR fields (vmx/pmu.c); hidden if "
     "the CPU refuses it; its FW_WRITE bit brings the full-width counters A_PMC0-7",
     {{0x345, 0x345, R}, {0x4C1, 0x4C8, RW}}},
    {1, ANY, ECX, BIT(17), PASS, 0, "PCID", "CR4.PCIDE is the guest's; no MSR", {{0}}},
    {1, ANY, ECX, BIT(18), HIDE, 0, "DCA", "PLATFORM_DCA_CAP (0x1F8) is refused; DCA is the platform's", {{0}}},
    {1, ANY, ECX, BIT(21), PASS, 0, "x2APIC", "its own LAPIC: vmx/msr_policy.c passes or checks each register",
     {{0x1B, 0x1B, RW}, {0x802, 0x803, R}, {0x80B, 0x80B, W}, {0x830, 0x830, W}}},
    {1, ANY, ECX, BIT(24), PASS, 0, "TSC-deadline", "the RTOS's timer, no exit", {{0x6E0, 0x6E0, RW}}},
    {1, ANY, ECX, BIT(26), PASS, 0, "XSAVE", "XSETBV exits and is checked (vmx/xcr0_check.c)", {{0}}},
    {1, ANY, ECX, BIT(27), EMUL, 0, "OSXSAVE", "mirrors the guest's CR4.OSXSAVE, not the hypervisor's", {{0}}},
    {1, ANY, ECX, BIT(31), EMUL, 0, "hypervisor", "set: a hypervisor is present (leaves 0x40000000+)", {{0}}},
    {1, ANY, EDX, L1_EDX_ISA, PASS, 0, "FPU VME DE PSE MSR PAE CX8 PGE CMOV PSE-36 CLFSH MMX FXSR SSE SSE2 SS",
     "base architecture: no MSR of their own", {{0}}},
    {1, ANY, EDX, BIT(4), PASS, 0, "TSC", "RDTSC(P) exit-free; TSC writes are the exit handler's", {{0x10, 0x10, RW}}},
    {1, ANY, EDX, BIT(7), HIDE, 0, "MCE", "machine checks are the platform's: MCG MSRs (0x179-0x17B) refused", {{0}}},
    {1, ANY, EDX, BIT(9), PASS, 0, "APIC", "its own LAPIC; APIC_BASE is emulated", {{0x1B, 0x1B, RW}}},
    {1, ANY, EDX, BIT(11), PASS, 0, "SEP", "SYSENTER MSRs are VMCS guest state", {{0x174, 0x176, RW}}},
    {1, ANY, EDX, BIT(12), PASS, 0, "MTRR", "read natively; writes ignored (MTRRs must match on all CPUs)",
     {{0xFE, 0xFE, R}, {0x200, 0x26F, RW}, {0x2FF, 0x2FF, RW}}},
    {1, ANY, EDX, BIT(14), HIDE, 0, "MCA", "machine-check banks (0x400+) are the platform's, refused", {{0}}},
    {1, ANY, EDX, BIT(16), PASS, 0, "PAT", "VMCS guest state", {{0x277, 0x277, RW}}},
    {1, ANY, EDX, BIT(18), HIDE, 0, "PSN", "no processor serial number", {{0}}},
    {1, ANY, EDX, BIT(21), HIDE, 0, "DS", "the debug store (BTS, PEBS): DS_AREA (0x600) is refused", {{0}}},
    {1, ANY, EDX, BIT(22), HIDE, 0, "ACPI", "thermal and clock control are the platform's (0x19A-0x19B refused)",
     {{0}}},
    {1, ANY, EDX, BIT(28), PASS, 0, "HTT", "says EBX[23:16] is valid (the partition's CPU count)", {{0}}},
    {1, ANY, EDX, BIT(29), HIDE, 0, "TM", "thermal monitor is the platform's (0x19B refused)", {{0}}},
    {1, ANY, EDX, BIT(31), HIDE, 0, "PBE", "pending-break enable is set through MISC_ENABLE, writes ignored", {{0}}},
    /* leaf 5: MONITOR/MWAIT */
    {5, ANY, ALL, ~0u, HIDE, 0, "MONITOR/MWAIT leaf", "MONITOR/MWAIT is hidden (leaf 1)", {{0}}},
    /* leaf 6: thermal and power management */
    {6, ANY, EAX, BIT(0), HIDE, 0, "digital thermal sensor", "THERM_STATUS (0x19C) is refused", {{0}}},
    {6, ANY, EAX, BIT(1), HIDE, 0, "turbo boost", "frequency is the platform's (0x199 refused)", {{0}}},
    {6, ANY, EAX, BIT(2), PASS, 0, "ARAT", "the LAPIC timer keeps running in C-states: a fact, no MSR", {{0}}},
    {6, ANY, EAX, FIELD(4, 6), HIDE, 0, "PLN ECMD PTM", "power limit, clock modulation, package thermal MSRs refused",
     {{0}}},
    {6, ANY, EAX, FIELD(7, 11), HIDE, 0, "HWP", "HWP MSRs (0x770-0x777) are refused: performance states are the "
     "platform's", {{0}}},
    {6, ANY, EAX, BIT(13), HIDE, 0, "HDC", "HDC MSRs (0xDB0-0xDB1) are refused", {{0}}},
    {6, ANY, EBX, ~0u, HIDE, 0, "thermal interrupt thresholds", "the thermal sensor is hidden", {{0}}},
    {6, ANY, ECX, BIT(0), PASS, 0, "MPERF/APERF", "read natively, its own CPU's", {{0xE7, 0xE8, R}}},
    {6, ANY, ECX, BIT(3), HIDE, 0, "energy-performance bias", "ENERGY_PERF_BIAS (0x1B0) is refused", {{0}}},
    {6, ANY, EDX, ~0u, HIDE, 0, "hardware feedback", "its MSRs (0x17D0+) are refused", {{0}}},
    /* leaf 7 subleaf 0: structured extended features */
    {7, 0, EBX, BIT(0), PASS, 0, "FSGSBASE", "CR4.FSGSBASE is the guest's", {{0}}},
    {7, 0, EBX, BIT(1), PASS, 0, "TSC_ADJUST", "emulated by the MSR exit handler", {{0x3B, 0x3B, RW}}},
    {7, 0, EBX, BIT(2), HIDE, 0, "SGX", "FEATURE_CONTROL reads locked without SGX; leaf 0x12 hidden", {{0}}},
    {7, 0, EBX, L7_EBX_ISA, PASS, 0,
     "BMI1 HLE AVX2 FDP_EXCPTN_ONLY BMI2 ERMS RTM FCS/FDS-deprecation AVX512F/DQ RDSEED ADX AVX512IFMA CLFLUSHOPT CLWB "
     "AVX512PF/ER/CD SHA AVX512BW/VL", "instruction-set extensions: no MSR, no exit", {{0}}},
    {7, 0, EBX, BIT(7), PASS, 0, "SMEP", "CR4.SMEP is the guest's", {{0}}},
    {7, 0, EBX, BIT(10), PASS, CPUID_COND_INVPCID, "INVPCID", "needs VMX \"enable INVPCID\" (else #UD)", {{0}}},
    {7, 0, EBX, BIT(12), HIDE, 0, "RDT monitoring (PQM)", "PQR_ASSOC and QM MSRs (0xC8D-0xC8F) are refused; leaf 0xF "
     "hidden", {{0}}},
    {7, 0, EBX, BIT(14), HIDE, 0, "MPX", "BNDCFGS (0xD90) is refused", {{0}}},
    {7, 0, EBX, BIT(15), HIDE, 0, "RDT allocation (PQE)", "cache allocation is shared: 0xC8F-0xC90 and mask MSRs "
     "refused; leaf 0x10 hidden", {{0}}},
    {7, 0, EBX, BIT(20), PASS, 0, "SMAP", "CR4.SMAP is the guest's", {{0}}},
    {7, 0, EBX, BIT(25), HIDE, 0, "Processor Trace", "RTIT MSRs (0x560-0x571) are refused; leaf 0x14 hidden", {{0}}},
    {7, 0, ECX, L7_ECX_ISA, PASS, 0, "PREFETCHWT1 AVX512VBMI VBMI2 GFNI VAES VPCLMULQDQ VNNI BITALG VPOPCNTDQ CLDEMOTE "
     "MOVDIRI MOVDIR64B", "instruction-set extensions: no MSR, no exit", {{0}}},
    {7, 0, ECX, BIT(2), PASS, 0, "UMIP", "CR4.UMIP is the guest's", {{0}}},
    {7, 0, ECX, BIT(3), PASS, 0, "PKU", "CR4.PKE and PKRU (an XSAVE component) are the guest's", {{0}}},
    {7, 0, ECX, BIT(4), EMUL, 0, "OSPKE", "mirrors the guest's CR4.PKE, not the hypervisor's", {{0}}},
    {7, 0, ECX, BIT(5), HIDE, 0, "WAITPKG", "UMWAIT_CONTROL (0xE1) is refused and VMX \"enable user wait\" is off",
     {{0}}},
    {7, 0, ECX, BIT(7), HIDE, 0, "CET shadow stack", "CET MSRs (0x6A0-0x6A7) are refused", {{0}}},
    {7, 0, ECX, BIT(13), HIDE, 0, "TME", "memory encryption MSRs (0x981-0x983) are the platform's", {{0}}},
    {7, 0, ECX, BIT(16), PASS, 0, "LA57", "CR4.LA57 is the guest's", {{0}}},
    {7, 0, ECX, BIT(22), PASS, CPUID_COND_RDTSCP, "RDPID", "needs VMX \"enable RDTSCP\" (else #UD); reads TSC_AUX",
     {{0xC0000103, 0xC0000103, RW}}},
    {7, 0, ECX, BIT(23), HIDE, 0, "Key Locker", "its wrapping key is the platform's; leaf 0x19 hidden",
     {{0}}},
    {7, 0, ECX, BIT(29), HIDE, 0, "ENQCMD", "PASID (0xD93) is refused", {{0}}},
    {7, 0, ECX, BIT(31), HIDE, 0, "PKS", "PKRS (0x6E1) is refused", {{0}}},
    {7, 0, EDX, L7_EDX_ISA, PASS, 0, "AVX512_4VNNIW/4FMAPS FSRM VP2INTERSECT SERIALIZE TSXLDTRK AMX-BF16 AVX512FP16 "
     "AMX-TILE AMX-INT8", "instruction-set extensions: no MSR, no exit", {{0}}},
    {7, 0, EDX, BIT(9), HIDE, 0, "SRBDS_CTRL", "MCU_OPT_CTRL (0x123) is package-wide, refused", {{0}}},
    {7, 0, EDX, BIT(10), PASS, 0, "MD_CLEAR", "VERW clears buffers; no MSR", {{0}}},
    {7, 0, EDX, BIT(11), PASS, 0, "RTM_ALWAYS_ABORT", "a fact about RTM", {{0}}},
    {7, 0, EDX, BIT(13), HIDE, 0, "TSX_FORCE_ABORT", "TSX_FORCE_ABORT (0x10F) is refused", {{0}}},
    {7, 0, EDX, BIT(15), PASS, 0, "hybrid", "a fact about the CPU", {{0}}},
    {7, 0, EDX, BIT(18), HIDE, 0, "PCONFIG", "platform configuration is the platform's; leaf 0x1B hidden", {{0}}},
    {7, 0, EDX, BIT(19), HIDE, 0, "architectural LBR", "LBR MSRs are refused; leaf 0x1C hidden", {{0}}},
    {7, 0, EDX, BIT(20), HIDE, 0, "CET IBT", "CET MSRs (0x6A0-0x6A7) are refused", {{0}}},
    {7, 0, EDX, BIT(26), PASS, 0, "IBRS/IBPB", "SPEC_CTRL and PRED_CMD are its own CPU's",
     {SPEC_CTRL_MSR, {0x49, 0x49, W}}},
    {7, 0, EDX, BIT(27), PASS, 0, "STIBP", "SPEC_CTRL bit 1", {SPEC_CTRL_MSR}},
    {7, 0, EDX, BIT(28), HIDE, 0, "L1D_FLUSH", "FLUSH_CMD (0x10B) is refused: no SMT sibling of another partition, and "
     "the hypervisor owns VM entries", {{0}}},
    {7, 0, EDX, BIT(29), EMUL, 0, "ARCH_CAPABILITIES",
     "emulated by the MSR exit handler: what is known of a partition's CPU",
     {{0x10A, 0x10A, R}}},
    {7, 0, EDX, BIT(30), HIDE, 0, "CORE_CAPABILITIES", "CORE_CAPABILITIES (0xCF) is refused", {{0}}},
    {7, 0, EDX, BIT(31), PASS, 0, "SSBD", "SPEC_CTRL bit 2", {SPEC_CTRL_MSR}},
    /* leaf 7 subleaf 1 */
    {7, 1, EAX, L71_EAX_ISA, PASS, 0, "AVX-VNNI AVX512_BF16 fast zero-length MOVSB, short STOSB, short CMPSB",
     "instruction-set extensions: no MSR, no exit", {{0}}},
    {7, 1, EAX, BIT(22), HIDE, 0, "HRESET", "HRESET_ENABLE (0x17DA) is refused", {{0}}},
    {7, 1, EAX, BIT(26), HIDE, 0, "LAM", "not decided for partitions", {{0}}},
    {7, 1, EBX, ~0u, HIDE, 0, "subleaf 1 EBX", "not decided for partitions", {{0}}},
    {7, 1, ECX, ~0u, HIDE, 0, "subleaf 1 ECX", "not decided for partitions", {{0}}},
    {7, 1, EDX, ~0u, HIDE, 0, "subleaf 1 EDX", "not decided for partitions (CET supervisor, AVX10, APX)", {{0}}},
    /* leaf 0xA: architectural performance monitoring (vmx/pmu.c) */
    {0xA, ANY, EAX, FIELD(0, 7), PASS, PMU, "PMU version", "its own CPU's counters; hidden if the CPU refuses them",
     {PMU_GP_MSRS}},
    {0xA, ANY, EAX, FIELD(8, 15), EMUL, PMU, "general-purpose counters", "at most 8, those vmx/msr_policy.c passes",
     {PMU_GP_MSRS}},
    {0xA, ANY, EAX, FIELD(16, 31), PASS, PMU, "counter width, event vector length", "facts about the counters", {{0}}},
    {0xA, ANY, EBX, ~0u, PASS, PMU, "unavailable events", "facts about the counters", {{0}}},
    {0xA, ANY, ECX, ~0u, EMUL, PMU, "fixed-counter bitmap", "at most fixed counters 0-2", {PMU_FIXED_MSRS}},
    {0xA, ANY, EDX, FIELD(0, 4), EMUL, PMU, "fixed counters", "at most 3 (0x309-0x30B)", {PMU_FIXED_MSRS}},
    {0xA, ANY, EDX, FIELD(5, 15), PASS, PMU, "fixed-counter width, AnyThread deprecation", "facts about the counters",
     {{0}}},
    /* leaf 0xB: extended topology */
    {0xB, ANY, EBX, FIELD(0, 15), EMUL, 0, "processors at this level", "one thread per core, the partition's cores",
     {{0}}},
    /* leaf 0xD: XSAVE */
    {0xD, 0, EAX, FIELD(0, 2), PASS, 0, "x87 SSE AVX state", "XCR0 is checked on XSETBV", {{0}}},
    {0xD, 0, EAX, FIELD(3, 4), HIDE, 0, "MPX state", "MPX is hidden", {{0}}},
    {0xD, 0, EAX, FIELD(5, 7), PASS, 0, "AVX-512 state", "XCR0 is checked on XSETBV", {{0}}},
    {0xD, 0, EAX, BIT(9), PASS, 0, "PKRU state", "XCR0 is checked on XSETBV", {{0}}},
    {0xD, 0, EAX, FIELD(17, 18), PASS, 0, "AMX tile state", "XCR0 is checked on XSETBV", {{0}}},
    {0xD, 0, EDX, ~0u, HIDE, 0, "XCR0 upper half", "no component decided", {{0}}},
    {0xD, 1, EAX, FIELD(0, 2), PASS, 0, "XSAVEOPT XSAVEC XGETBV1", "instructions, no MSR", {{0}}},
    {0xD, 1, EAX, BIT(3), HIDE, 0, "XSAVES", "XSS (0xDA0) is refused; its components belong to hidden features", {{0}}},
    {0xD, 1, EAX, BIT(4), HIDE, 0, "XFD", "XFD and XFD_ERR (0x1C4-0x1C5) are refused", {{0}}},
    {0xD, 1, ECX, ~0u, HIDE, 0, "XSS components", "XSAVES is hidden", {{0}}},
    {0xD, 1, EDX, ~0u, HIDE, 0, "XSS components", "XSAVES is hidden", {{0}}},
    /* whole leaves of hidden features */
    {0xF, ANY, ALL, ~0u, HIDE, 0, "RDT monitoring leaf", "RDT monitoring is hidden", {{0}}},
    {0x10, ANY, ALL, ~0u, HIDE, 0, "RDT allocation leaf", "RDT allocation is hidden", {{0}}},
    {0x12, ANY, ALL, ~0u, HIDE, 0, "SGX leaf", "SGX is hidden", {{0}}},
    {0x14, ANY, ALL, ~0u, HIDE, 0, "Processor Trace leaf", "Processor Trace is hidden", {{0}}},
    /* leaves 0x15-0x16: the TSC rate, from the hypervisor's calibration */
    {0x15, ANY, ALL, ~0u, EMUL, 0, "TSC/crystal ratio", "the TSC rate the hypervisor measured", {{0}}},
    {0x16, ANY, ALL, ~0u, EMUL, 0, "processor frequency", "the TSC rate the hypervisor measured, in MHz", {{0}}},
    {0x19, ANY, ALL, ~0u, HIDE, 0, "Key Locker leaf", "Key Locker is hidden", {{0}}},
    {0x1B, ANY, ALL, ~0u, HIDE, 0, "PCONFIG leaf", "PCONFIG is hidden", {{0}}},
    {0x1C, ANY, ALL, ~0u, HIDE, 0, "architectural LBR leaf", "architectural LBRs are hidden", {{0}}},
    {0x1F, ANY, EBX, FIELD(0, 15), EMUL, 0, "processors at this level", "as leaf 0xB", {{0}}},
    {0x23, ANY, ALL, ~0u, HIDE, 0, "PMU extensions leaf", "only the architectural counters of leaf 0xA", {{0}}},
    /* extended leaves */
    {0x80000001, ANY, ECX, BIT(0) | BIT(5) | BIT(8), PASS, 0, "LAHF/SAHF LZCNT PREFETCHW",
     "instruction-set extensions: no MSR, no exit", {{0}}},
    {0x80000001, ANY, EDX, BIT(11), EMUL, 0, "SYSCALL", "in 64-bit mode only, as Intel CPUs report it; STAR, LSTAR, "
     "CSTAR, SFMASK are its own",
     {{0xC0000080, 0xC0000080, RW}, {0xC0000081, 0xC0000084, RW}}},
    {0x80000001, ANY, EDX, BIT(20), PASS, 0, "NX", "EFER.NXE is checked and kept", {{0xC0000080, 0xC0000080, RW}}},
    {0x80000001, ANY, EDX, BIT(26), PASS, 0, "1-GByte pages", "guest paging, under EPT", {{0}}},
    {0x80000001, ANY, EDX, BIT(27), PASS, CPUID_COND_RDTSCP, "RDTSCP", "needs VMX \"enable RDTSCP\" (else #UD)",
     {{0xC0000103, 0xC0000103, RW}}},
    {0x80000001, ANY, EDX, BIT(29), PASS, 0, "long mode", "EFER.LME is checked", {{0xC0000080, 0xC0000080, RW}}},
    {0x80000007, ANY, EDX, BIT(8), PASS, 0, "invariant TSC", "a fact about the CPU", {{0}}},
    {0x80000008, ANY, EBX, BIT(9), PASS, 0, "WBNOINVD", "exits like WBINVD and is ignored (shared caches)", {{0}}},
};

const size_t cpuid_policy_count = sizeof cpuid_policy / sizeof cpuid_policy[0];

const struct msr_rule cpuid_msr_emulated[] = {
    /* first       last        served by the exit handler */
    {0x10,       0x10,       W,  "TSC: writes handled, not refused"},
    {0x1B,       0x1B,       RW, "APIC_BASE: reads; writes that keep the LAPIC's mode"},
    {0x3A,       0x3A,       R,  "FEATURE_CONTROL: locked, VMX off"},
    {0x3B,       0x3B,       RW, "TSC_ADJUST, where the CPU has it"},
    {0x8B,       0x8B,       W,  "BIOS_SIGN_ID: the write of 0 before CPUID"},
    {0x10A,      0x10A,      R,  "ARCH_CAPABILITIES: the CPU's immunities, no XAPIC_DISABLE"},
    {0x1A0,      0x1A0,      W,  "MISC_ENABLE: writes ignored (package-wide bits)"},
    {0x200,      0x26F,      W,  "MTRRs: writes ignored where the MSR exists"},
    {0x2FF,      0x2FF,      W,  "MTRR_DEF_TYPE: writes ignored"},
    {0x345,      0x345,      R,  "PERF_CAPABILITIES: read-only, PEBS and LBR fields cleared (vmx/pmu.c)"},
    {0x82F,      0x82F,      W,  "x2APIC LVT CMCI: writes checked (vmx/lvt_check.c)"},
    {0x830,      0x830,      RW, "x2APIC ICR: IPIs checked (vmx/apic_ipi.c)"},
    {0x832,      0x837,      W,  "x2APIC LVTs: writes checked (vmx/lvt_check.c)"},
    {0xC0000080, 0xC0000080, RW, "EFER: reads the VMCS; writes checked"},
};

const size_t cpuid_msr_emulated_count = sizeof cpuid_msr_emulated / sizeof cpuid_msr_emulated[0];

static bool row_shown(const struct cpuid_rule *r, uint32_t (*conditions)(void), uint32_t *known, bool *asked)
{
    if (r->treatment == CPUID_HIDDEN)
        return false;
    if (!r->condition)
        return true;
    if (!*asked) {
        *known = conditions();
        *asked = true;
    }
    return (r->condition & *known) == r->condition;
}

static uint32_t filtered(uint32_t value, uint32_t covered, uint32_t keep) { return covered ? value & keep : value; }

/* The rows of leaf from row on (the first of them). */
static __attribute__((noinline)) void apply_rows(size_t i, uint32_t subleaf, uint32_t (*conditions)(void),
                                                 struct cpuid_regs *r)
{
    uint32_t leaf = cpuid_policy[i].leaf, covered[4] = {0}, keep[4] = {0}, known = 0;
    bool asked = false;
    for (; i < cpuid_policy_count && cpuid_policy[i].leaf == leaf; i++) {
        const struct cpuid_rule *row = &cpuid_policy[i];
        if (row->subleaf != CPUID_ANY_SUBLEAF && row->subleaf != subleaf)
            continue;
        bool shown = row_shown(row, conditions, &known, &asked);
        for (int k = 0; k < 4; k++) {
            if (row->reg != CPUID_ALL_REGS && row->reg != (enum cpuid_reg)k)
                continue;
            covered[k] |= row->mask;
            keep[k] |= shown ? row->mask : 0;
        }
    }
    r->eax = filtered(r->eax, covered[CPUID_EAX], keep[CPUID_EAX]);
    r->ebx = filtered(r->ebx, covered[CPUID_EBX], keep[CPUID_EBX]);
    r->ecx = filtered(r->ecx, covered[CPUID_ECX], keep[CPUID_ECX]);
    r->edx = filtered(r->edx, covered[CPUID_EDX], keep[CPUID_EDX]);
}

/* The search alone stays cheap (no frame): leaf 0, the exit benchmark's,
 * is not in the table. */
void cpuid_policy_apply(uint32_t leaf, uint32_t subleaf, uint32_t (*conditions)(void), struct cpuid_regs *r)
{
    size_t i = 0;
    while (i < cpuid_policy_count && cpuid_policy[i].leaf < leaf)
        i++;
    if (i < cpuid_policy_count && cpuid_policy[i].leaf == leaf)
        apply_rows(i, subleaf, conditions, r);
}

void cpuid_pmu_leaf(struct cpuid_regs *r)
{
    uint32_t gp = (r->eax >> 8) & 0xFF, fixed = r->edx & 0x1F;
    if (gp > PMU_MAX_GP_COUNTERS)
        r->eax = (r->eax & ~FIELD(8, 15)) | (PMU_MAX_GP_COUNTERS << 8);
    if (fixed > PMU_MAX_FIXED_COUNTERS)
        r->edx = (r->edx & ~FIELD(0, 4)) | PMU_MAX_FIXED_COUNTERS;
    r->ecx &= FIELD(0, PMU_MAX_FIXED_COUNTERS - 1);
}

#define PERF_CAP_FW_WRITE (1ull << 13) /* full-width writes to IA32_A_PMCx (0x4C1+) */

uint64_t cpuid_perf_capabilities_shown(uint64_t real) { return real & PERF_CAP_FW_WRITE; }
