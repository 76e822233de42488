/* 64-bit division on i386 without libgcc; see lib.h. GCC turns a 64-bit
 * `/` or `%` into calls to __udivdi3 and friends, which only libgcc has,
 * and the guests link none. */
#include "partitions/common/lib.h"

uint64_t udiv64_32(uint64_t n, uint32_t d, uint32_t *rem)
{
    uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
    uint32_t qhi = hi / d, r = hi % d, qlo;
    /* r < d, so EDX:EAX / d fits in 32 bits: DIV cannot fault. */
    __asm__("divl %4" : "=a"(qlo), "=d"(r) : "a"(lo), "d"(r), "rm"(d));
    if (rem)
        *rem = r;
    return ((uint64_t)qhi << 32) | qlo;
}

uint64_t mul64_shr32(uint64_t a, uint64_t b)
{
    /* Four 32x32->64 partial products (GCC inlines those on i386):
     * a*b >> 32 = hh<<32 + lh + hl + ll>>32 exactly, and sums modulo
     * 2^64 are right whenever the result itself fits in 64 bits. */
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    return (hh << 32) + lh + hl + (ll >> 32);
}

/* Binary long division for divisors of 33 bits or more (the quotient
 * then fits in 32 bits); udiv64_32 for the rest. */
static uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
    if (!(d >> 32)) {
        uint32_t r;
        uint64_t q = udiv64_32(n, (uint32_t)d, &r);
        *rem = r;
        return q;
    }
    if (d >> 63) { /* r << 1 below could overflow: quotient is 0 or 1 */
        int ge = n >= d;
        *rem = ge ? n - d : n;
        return (uint64_t)ge;
    }
    uint64_t q = 0, r = 0;
    for (int i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= 1ull << i;
        }
    }
    *rem = r;
    return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

__attribute__((weak)) uint64_t __udivdi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    return udivmod64(n, d, &r);
}

__attribute__((weak)) uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    udivmod64(n, d, &r);
    return r;
}

/* C99 6.5.5: the quotient truncates toward zero; the remainder takes the
 * dividend's sign. */
__attribute__((weak)) int64_t __divdi3(int64_t n, int64_t d)
{
    uint64_t r, q = udivmod64(n < 0 ? -(uint64_t)n : (uint64_t)n, d < 0 ? -(uint64_t)d : (uint64_t)d, &r);
    return (n < 0) != (d < 0) ? -(int64_t)q : (int64_t)q;
}

__attribute__((weak)) int64_t __moddi3(int64_t n, int64_t d)
{
    uint64_t r;
    udivmod64(n < 0 ? -(uint64_t)n : (uint64_t)n, d < 0 ? -(uint64_t)d : (uint64_t)d, &r);
    return n < 0 ? -(int64_t)r : (int64_t)r;
}
