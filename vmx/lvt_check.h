/* Guest writes to its local APIC's LVT registers (x2APIC MSRs 0x82F,
 * 0x832-0x837), which exit so that no entry can deliver an SMI, INIT or
 * ExtINT. Pure and host-tested (tests/unit/test_lvt_check.c). */
#ifndef VMX_LVT_CHECK_H
#define VMX_LVT_CHECK_H

#include "hv/types.h"

enum lvt_verdict {
    LVT_WRITE,  /* write it to the LAPIC (the CPU may still refuse: #GP) */
    LVT_GP,     /* reserved bits set: #GP, as the x2APIC gives */
    LVT_REFUSE, /* a delivery mode that reaches beyond its CPU: stop the partition */
};

/* The LVT register's name ("LINT0", ...), or NULL if msr is none. */
const char *lvt_name(uint32_t msr);

/* The verdict on writing value to LVT register msr (lvt_name(msr) != NULL);
 * *why says why for LVT_GP and LVT_REFUSE. */
enum lvt_verdict lvt_check(uint32_t msr, uint64_t value, const char **why);

#endif
