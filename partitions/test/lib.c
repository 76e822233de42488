/* libc-like helpers; see lib.h. */
#include "partitions/test/lib.h"

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

size_t kstrlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
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
        /* Constant limits: a variable 64-bit division would need libgcc. */
        uint64_t limit = base == 16 ? UINT64_MAX / 16 : UINT64_MAX / 10;
        if (digit >= base || v > limit || v * base > UINT64_MAX - digit)
            return -1;
        v = v * base + digit;
    }
    *out = v;
    return 0;
}
