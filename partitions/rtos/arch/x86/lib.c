/* libc-like helpers; see lib.h. Also the libgcc routines i386 code needs
 * for 64-bit division (__udivdi3 and friends): the image links no libgcc
 * (a 32-bit one is not installed with the native gcc). */
#include "partitions/rtos/arch/x86/lib.h"

__attribute__((weak)) void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

__attribute__((weak)) void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

__attribute__((weak)) void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    if (p < q || p >= q + n)
        return memcpy(d, s, n);
    while (n--)
        p[n] = q[n];
    return d;
}

__attribute__((weak)) int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n--; p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

int kstreq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

const char *kstrprefix(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return NULL;
    return s;
}

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

int parse_u64(const char *s, unsigned base, uint64_t *out)
{
    const char *hex = kstrprefix(s, "0x");
    if (!hex)
        hex = kstrprefix(s, "0X");
    if (hex) {
        s = hex;
        base = 16;
    }
    if (!*s)
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned digit;
        if (*s >= '0' && *s <= '9')
            digit = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            digit = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            digit = (unsigned)(*s - 'A' + 10);
        else
            return -1;
        if (digit >= base || v > (UINT64_MAX - digit) / base)
            return -1;
        v = v * base + digit;
    }
    *out = v;
    return 0;
}
