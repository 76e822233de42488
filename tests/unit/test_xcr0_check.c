/* XCR0 validity (vmx/xcr0_check.c): the #GP rules of XSETBV. */
#include "unit.h"
#include "vmx/xcr0_check.h"

#define X87 0x1ull
#define SSE 0x2ull
#define AVX 0x4ull
#define BNDREGS 0x8ull
#define BNDCSR 0x10ull
#define OPMASK 0x20ull
#define ZMM_HI256 0x40ull
#define HI16_ZMM 0x80ull
#define PKRU 0x200ull
#define TILECFG (1ull << 17)
#define TILEDATA (1ull << 18)
#define AVX512 (OPMASK | ZMM_HI256 | HI16_ZMM)
#define ALL (X87 | SSE | AVX | BNDREGS | BNDCSR | AVX512 | PKRU | TILECFG | TILEDATA)

TEST(usual_values)
{
    CHECK(xcr0_valid(X87, ALL));
    CHECK(xcr0_valid(X87 | SSE, ALL));
    CHECK(xcr0_valid(X87 | SSE | AVX, ALL));
    CHECK(xcr0_valid(X87 | SSE | AVX | AVX512, ALL));
    CHECK(xcr0_valid(X87 | SSE | AVX | BNDREGS | BNDCSR | AVX512 | PKRU, ALL));
    CHECK(xcr0_valid(ALL, ALL));
}

TEST(x87_and_support)
{
    CHECK(!xcr0_valid(0, ALL));
    CHECK(!xcr0_valid(SSE, ALL));
    CHECK(!xcr0_valid(X87 | SSE | AVX, X87 | SSE));
    CHECK(!xcr0_valid(X87 | (1ull << 8), ALL)); /* PT: an IA32_XSS component, never in XCR0 */
    CHECK(!xcr0_valid(X87 | (1ull << 63), ALL));
}

TEST(avx_needs_sse)
{
    CHECK(!xcr0_valid(X87 | AVX, ALL));
}

TEST(mpx_pair)
{
    CHECK(!xcr0_valid(X87 | SSE | BNDREGS, ALL));
    CHECK(!xcr0_valid(X87 | SSE | BNDCSR, ALL));
    CHECK(xcr0_valid(X87 | SSE | BNDREGS | BNDCSR, ALL));
}

TEST(amx_pair)
{
    CHECK(!xcr0_valid(X87 | SSE | AVX | TILECFG, ALL));
    CHECK(!xcr0_valid(X87 | SSE | AVX | TILEDATA, ALL));
    CHECK(xcr0_valid(X87 | SSE | AVX | TILECFG | TILEDATA, ALL));
}

TEST(avx512_all_or_none_and_with_avx)
{
    CHECK(!xcr0_valid(X87 | SSE | AVX | OPMASK, ALL));
    CHECK(!xcr0_valid(X87 | SSE | AVX | OPMASK | ZMM_HI256, ALL));
    CHECK(!xcr0_valid(X87 | SSE | AVX | HI16_ZMM, ALL));
    CHECK(!xcr0_valid(X87 | SSE | AVX512, ALL));
    CHECK(!xcr0_valid(X87 | AVX512, ALL));
}
