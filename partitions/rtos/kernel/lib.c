/* Freestanding helpers. GCC may turn plain copy loops into calls to
 * memcpy/memset even with -ffreestanding, and this image has neither: the
 * optimize attribute keeps them loops (clang honours -ffreestanding). */
#include "kernel.h"

#if defined(__GNUC__) && !defined(__clang__)
#define RK_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define RK_NO_LIBCALL
#endif

RK_NO_LIBCALL void rtos_memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
}

RK_NO_LIBCALL void rtos_memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
}

/* n / d without libgcc's __udivdi3: native when both fit 32 bits, else
 * binary long division (64 steps; only sleep_us, period setup and missed
 * periods need it). Division by zero gives UINT64_MAX. */
uint64_t rtos_udiv64(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0, r = 0;
    if (d == 0) {
        q = UINT64_MAX;
    } else if ((n >> 32) == 0 && (d >> 32) == 0) {
        q = (uint32_t)n / (uint32_t)d;
        r = (uint32_t)n % (uint32_t)d;
    } else {
        for (int i = 63; i >= 0; i--) {
            bool carry = r >> 63; /* r << 1 would lose a bit: then it surely exceeds d */
            r = (r << 1) | ((n >> i) & 1);
            if (carry || r >= d) {
                r -= d;
                q |= 1ull << i;
            }
        }
    }
    if (rem)
        *rem = r;
    return q;
}
