/* Exception fixups: instructions the hypervisor executes with values a
 * guest chose (WRMSR, RDMSR, XSETBV on its behalf) may fault where the
 * hardware refuses the value (#GP, #UD). Each such instruction has an
 * entry {faulting RIP, resume RIP} in section .ex_table (linker.ld);
 * exception_dispatch() resumes a listed fault at its fixup instead of
 * stopping the CPU, and the *_safe accessor returns EXTABLE_FAULTED. */
#ifndef ARCH_X86_EXTABLE_H
#define ARCH_X86_EXTABLE_H

#include "arch/x86/exceptions.h"

#define EXTABLE_FAULTED (-1)

/* "1:" is the instruction that may fault, "2:" where to resume. The
 * result register starts at EXTABLE_FAULTED and is cleared only when the
 * instruction completed. */
#define EXTABLE_ENTRY(insn)                      \
    "1:\t" insn "\n\t"                          \
    "xorl %k[err], %k[err]\n"                    \
    "2:\n\t"                                     \
    ".pushsection .ex_table, \"a\"\n\t"          \
    ".balign 8\n\t"                              \
    ".quad 1b, 2b\n\t"                           \
    ".popsection"

/* 0, or EXTABLE_FAULTED when the CPU refused the write (no state changed). */
static inline int wrmsr_safe(uint32_t msr, uint64_t value)
{
    int err = EXTABLE_FAULTED;
    __asm__ __volatile__(EXTABLE_ENTRY("wrmsr")
                         : [err] "+r"(err)
                         : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                         : "memory");
    return err;
}

/* 0 with *value set, or EXTABLE_FAULTED (the MSR does not exist here). */
static inline int rdmsr_safe(uint32_t msr, uint64_t *value)
{
    int err = EXTABLE_FAULTED;
    uint32_t lo = 0, hi = 0;
    __asm__ __volatile__(EXTABLE_ENTRY("rdmsr") : [err] "+r"(err), "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
    if (err == 0)
        *value = ((uint64_t)hi << 32) | lo;
    return err;
}

/* 0, or EXTABLE_FAULTED when the CPU refused the XCR index or value. */
static inline int xsetbv_safe(uint32_t index, uint64_t value)
{
    int err = EXTABLE_FAULTED;
    __asm__ __volatile__(EXTABLE_ENTRY("xsetbv")
                         : [err] "+r"(err)
                         : "c"(index), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                         : "memory");
    return err;
}

/* Called by exception_dispatch(): for a #GP or #UD at a listed
 * instruction, moves f->rip to its fixup and returns true. */
bool extable_fixup(struct exception_frame *f);

#endif
