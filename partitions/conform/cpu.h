/* Control-register access and the feature-exercise helpers shared by
 * the conformance kernel's CPU probe files (probe_cpu_features.c,
 * features_*.c). */
#ifndef CONFORM_CPU_H
#define CONFORM_CPU_H

#include <stdint.h>

static inline uint32_t read_cr0(void)
{
    uint32_t v;
    __asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline uint32_t read_cr4(void)
{
    uint32_t v;
    __asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void write_cr4(uint32_t v) { __asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory"); }

#define CR4_VME (1u << 0)
#define CR4_PVI (1u << 1)
#define CR4_TSD (1u << 2)
#define CR4_DE (1u << 3)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_MCE (1u << 6)
#define CR4_PGE (1u << 7)
#define CR4_PCE (1u << 8)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_UMIP (1u << 11)
#define CR4_VMXE (1u << 13)
#define CR4_FSGSBASE (1u << 16)
#define CR4_PCIDE (1u << 17)
#define CR4_OSXSAVE (1u << 18)
#define CR4_SMEP (1u << 20)
#define CR4_SMAP (1u << 21)
#define CR4_PKE (1u << 22)

/* Sets CR4 to value under conf_try: the vector it raised, or -1. */
int cr4_try_write(uint32_t value);

/* Runs an instruction sequence without operands under conf_try and
 * prints "feat.<name> ok|#UD|...". */
void feat_exec(const char *name, void (*fn)(void *));

/* "feat.<name>" for a feature CPUID does not advertise. */
void feat_not_advertised(const char *name);

/* Key helper: "<prefix><name>" in a static buffer (one at a time). */
const char *feat_key(const char *prefix, const char *name);

/* features_xsave.c, features_cr4.c, features_msr.c, features_insn.c */
void probe_xsave(void);
void probe_cr4_bits(void);
void probe_feature_msrs(void);
void probe_feature_insns(void);

/* CPUID bit test: leaf 1, 7, 0x80000001 ... */
int cpuid_bit(uint32_t leaf, uint32_t subleaf, char reg, unsigned bit);

#endif
