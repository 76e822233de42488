/* XCR0 validity (vmx/xcr0_check.h). Each rule is a #GP(0) case of XSETBV
 * (SDM Vol. 2B; the state components are listed in Vol. 1 13.1-13.3). */
#include "vmx/xcr0_check.h"

#define X87 (1ull << 0)
#define SSE (1ull << 1)
#define AVX (1ull << 2)
#define MPX (3ull << 3)     /* BNDREGS (3), BNDCSR (4) */
#define AVX512 (7ull << 5)  /* opmask (5), ZMM_Hi256 (6), Hi16_ZMM (7) */
#define AMX (3ull << 17)    /* TILECFG (17), TILEDATA (18) */

/* A group of components that must be all set or all clear. */
static bool all_or_none(uint64_t xcr0, uint64_t group) { return (xcr0 & group) == 0 || (xcr0 & group) == group; }

bool xcr0_valid(uint64_t xcr0, uint64_t supported)
{
    if (!(xcr0 & X87) || (xcr0 & ~supported))
        return false;              /* x87 always on; only components the CPU offers */
    if ((xcr0 & AVX) && !(xcr0 & SSE))
        return false;              /* XCR0[2:1] = 10b */
    if (!all_or_none(xcr0, MPX) || !all_or_none(xcr0, AMX))
        return false;              /* XCR0[3] != XCR0[4]; XCR0[17] != XCR0[18] */
    if ((xcr0 & AVX512) && ((xcr0 & AVX512) != AVX512 || !(xcr0 & AVX)))
        return false;              /* XCR0[7:5] neither 000b nor 111b; 111b without XCR0[2:1] = 11b */
    return true;
}
