/* The few libc-like helpers the guests need: they link no libc and no
 * libgcc (a 32-bit libgcc is not installed with the native gcc). */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stddef.h>
#include <stdint.h>

/* GCC may emit calls to these even in freestanding code. Weak, so a
 * kernel that brings its own wins. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t kstrlen(const char *s);
int kstreq(const char *a, const char *b);
/* If s starts with prefix, returns the rest of s, else NULL. */
const char *kstrprefix(const char *s, const char *prefix);

/* Parses all of s as a number: "0x"-prefixed is hex, otherwise base
 * `base` (10 or 16). 0 on success, -1 if empty, malformed or too big. */
int parse_u64(const char *s, unsigned base, uint64_t *out);

/* div64.c. n / d and n % d with two 32-bit DIVs (rem may be NULL): the
 * cheap case, and all that printing numbers needs. Plain 64-bit `/` and
 * `%` work too (div64.c has libgcc's __udivdi3 and friends), slower. */
uint64_t udiv64_32(uint64_t n, uint32_t d, uint32_t *rem);

/* (a * b) >> 32 with the 96-bit product kept exact (fixed-point scaling
 * without a 128-bit type). */
uint64_t mul64_shr32(uint64_t a, uint64_t b);

#endif
