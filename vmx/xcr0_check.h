/* XSETBV's checks on a new XCR0 value (Intel SDM Vol. 1 13.3, Vol. 2B
 * XSETBV), pure and host-tested (tests/unit/test_xcr0_check.c). */
#ifndef VMX_XCR0_CHECK_H
#define VMX_XCR0_CHECK_H

#include "hv/types.h"

/* True when XSETBV would accept xcr0 on a CPU whose XCR0-settable
 * components are `supported` (CPUID.(EAX=0DH,ECX=0):EDX:EAX). */
bool xcr0_valid(uint64_t xcr0, uint64_t supported);

#endif
