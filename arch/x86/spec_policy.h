/* Speculative-execution mitigations: which ones this CPU needs, decided
 * from what it enumerates (CPUID.(EAX=7,ECX=0):EDX and
 * IA32_ARCH_CAPABILITIES), pure and host-tested. arch/x86/speculation.c
 * reads the CPU and applies the decision; vmx/entry.S acts on it at every
 * VM exit and entry. */
#ifndef ARCH_X86_SPEC_POLICY_H
#define ARCH_X86_SPEC_POLICY_H

#include "hv/types.h"

/* CPUID.(EAX=7,ECX=0):EDX bits (SDM Vol. 2A, CPUID; Intel's "Speculative
 * Execution Side Channel Mitigations"). */
#define CPUID7_EDX_MD_CLEAR (1u << 10)
#define CPUID7_EDX_IBRS_IBPB (1u << 26)
#define CPUID7_EDX_STIBP (1u << 27)
#define CPUID7_EDX_L1D_FLUSH (1u << 28)
#define CPUID7_EDX_ARCH_CAP (1u << 29)
#define CPUID7_EDX_SSBD (1u << 31)

/* IA32_ARCH_CAPABILITIES (MSR 0x10A) bits. */
#define ARCH_CAP_RDCL_NO (1ull << 0)
#define ARCH_CAP_IBRS_ALL (1ull << 1)
#define ARCH_CAP_RSBA (1ull << 2)
#define ARCH_CAP_SKIP_L1DFL_VMENTRY (1ull << 3)
#define ARCH_CAP_MDS_NO (1ull << 5)
#define ARCH_CAP_TAA_NO (1ull << 8)

#define MSR_SPEC_CTRL 0x48
#define MSR_PRED_CMD 0x49
#define MSR_ARCH_CAPABILITIES 0x10A
#define MSR_FLUSH_CMD 0x10B
#define SPEC_CTRL_IBRS (1ull << 0)
#define FLUSH_CMD_L1D 1ull

/* Flags vmx/entry.S tests (one byte, spec_entry_flags). */
#define SPEC_SWITCH_SPEC_CTRL 0x01 /* save the guest's SPEC_CTRL at exit, load the host's, and back at entry */
#define SPEC_VERW 0x02             /* VERW before entry: clear CPU buffers (MDS, TAA) */
#define SPEC_L1D_FLUSH_MSR 0x04    /* L1D flush before entry through IA32_FLUSH_CMD ... */
#define SPEC_L1D_FLUSH_SW 0x08     /* ... or by reading a buffer the size of the L1D */

struct spec_features {
    bool intel;             /* the rules below are Intel's; other vendors get what they enumerate */
    uint32_t cpuid7_edx;
    uint64_t arch_cap;      /* 0 when not enumerated */
};

struct spec_policy {
    uint8_t entry_flags;    /* SPEC_* above */
    uint64_t host_spec_ctrl; /* what root mode runs with (IBRS, kept set) */
    bool l1tf;              /* the L1D must be flushed before entries that follow foreign data */
    bool eibrs;
};

/* The decision; also a one-line description for the log in desc. */
struct spec_policy spec_policy_decide(const struct spec_features *f, char *desc, size_t desc_len);

#endif
