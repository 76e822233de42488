/* libc-like helpers; see lib.h. */
#include "partitions/common/lib.h"

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
    if (p == q)
        return d; /* in place: nothing moves */
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
        /* Constant limits: no 64-bit division per digit. */
        uint64_t limit = base == 16 ? UINT64_MAX / 16 : UINT64_MAX / 10;
        if (digit >= base || v > limit || v * base > UINT64_MAX - digit)
            return -1;
        v = v * base + digit;
    }
    *out = v;
    return 0;
}
