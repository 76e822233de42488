/* VMX instructions (Intel SDM Vol. 3C 30). Failure is reported through
 * RFLAGS.CF (VMfailInvalid) or ZF (VMfailValid); these wrappers return
 * false on either. */
#ifndef VMX_VMX_ASM_H
#define VMX_VMX_ASM_H

#include "hv/types.h"

static inline bool vmxon(uint64_t pa)
{
    bool ok;
    __asm__ __volatile__("vmxon %1; seta %0" : "=qm"(ok) : "m"(pa) : "cc", "memory");
    return ok;
}

static inline bool vmclear(uint64_t pa)
{
    bool ok;
    __asm__ __volatile__("vmclear %1; seta %0" : "=qm"(ok) : "m"(pa) : "cc", "memory");
    return ok;
}

static inline bool vmptrld(uint64_t pa)
{
    bool ok;
    __asm__ __volatile__("vmptrld %1; seta %0" : "=qm"(ok) : "m"(pa) : "cc", "memory");
    return ok;
}

static inline uint64_t vmread(uint64_t field)
{
    uint64_t v;
    __asm__ __volatile__("vmread %1, %0" : "=r"(v) : "r"(field) : "cc");
    return v;
}

static inline void vmwrite(uint64_t field, uint64_t value)
{
    __asm__ __volatile__("vmwrite %1, %0" ::"r"(field), "r"(value) : "cc", "memory");
}

/* Checked write, for setup where a failure is a bug worth reporting. */
static inline bool vmwrite_checked(uint64_t field, uint64_t value)
{
    bool ok;
    __asm__ __volatile__("vmwrite %2, %1; seta %0" : "=qm"(ok) : "r"(field), "r"(value) : "cc", "memory");
    return ok;
}

struct invept_desc {
    uint64_t eptp, reserved;
};

/* Type 1: single context (SDM Vol. 3C 30, INVEPT). */
static inline void invept_single(uint64_t eptp)
{
    struct invept_desc d = {eptp, 0};
    __asm__ __volatile__("invept %0, %1" ::"m"(d), "r"(1ull) : "cc", "memory");
}

#endif
