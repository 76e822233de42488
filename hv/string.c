/* The C string routines of hv/string.h, for the freestanding hypervisor.
 *
 * gcc recognises byte loops as memset/memcpy idioms and would turn them
 * into calls to these very functions (infinite recursion), so loop
 * distribution into library calls is disabled for this file. */
#pragma GCC optimize("no-tree-loop-distribute-patterns")

/* Host unit tests link libc; they test these routines under hv_ names so
 * that ASan and libc keep their own. */
#ifdef HOST_TEST
#define memcpy hv_memcpy
#define memmove hv_memmove
#define memset hv_memset
#define memcmp hv_memcmp
#define strlen hv_strlen
#define strnlen hv_strnlen
#define strcmp hv_strcmp
#define strncmp hv_strncmp
#define strchr hv_strchr
#define strlcpy hv_strlcpy
#endif

#include "hv/string.h"

void *memcpy(void *dst, const void *src, size_t n)
{
#ifdef __x86_64__
    /* rep movsb is fast on CPUs with ERMS and short to emulate. */
    void *d = dst;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
#else
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
#endif
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    /* A forward copy is safe unless dst starts inside src. */
    if ((uintptr_t)d - (uintptr_t)s >= n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
#ifdef __x86_64__
    void *d = dst;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
#else
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
#endif
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    while (*x && *x == *y) {
        x++;
        y++;
    }
    return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] - y[i];
        if (!x[i])
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    /* The terminator is part of the string: strchr(s, 0) finds it. */
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
