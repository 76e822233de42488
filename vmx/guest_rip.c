/* See vmx/guest_rip.h. */
#include "vmx/guest_rip.h"

#include "vmx/vmcs_fields.h"

uint64_t guest_rip_after(uint64_t rip, uint64_t length, bool long64)
{
    uint64_t next = rip + length;
    return long64 ? next : (uint32_t)next;
}

bool exception_is_fault(uint32_t vector)
{
    /* 0 #DE, 5 #BR, 6 #UD, 7 #NM, 10 #TS, 11 #NP, 12 #SS, 13 #GP, 14 #PF,
     * 16 #MF, 17 #AC, 19 #XM, 20 #VE, 21 #CP */
    static const uint32_t faults = 1u << 0 | 1u << 5 | 1u << 6 | 1u << 7 | 1u << 10 | 1u << 11 | 1u << 12 |
                                   1u << 13 | 1u << 14 | 1u << 16 | 1u << 17 | 1u << 19 | 1u << 20 | 1u << 21;
    return vector < 32 && (faults >> vector) & 1;
}

uint64_t rflags_for_injected_event(uint64_t rflags, uint32_t intr_info)
{
    if ((intr_info & INTR_INFO_TYPE_MASK) == INTR_TYPE_HW_EXCEPTION &&
        exception_is_fault(intr_info & INTR_INFO_VECTOR_MASK))
        return rflags | RFLAGS_RF;
    return rflags;
}

uint64_t rflags_after_instruction(uint64_t rflags, uint64_t debugctl, bool *single_step)
{
    *single_step = (rflags & RFLAGS_TF) && !(debugctl & DEBUGCTL_BTF);
    return rflags & ~RFLAGS_RF;
}
