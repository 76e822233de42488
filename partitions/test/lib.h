/* The few libc-like helpers the test kernel needs (no libc, no libgcc). */
#ifndef TESTPART_LIB_H
#define TESTPART_LIB_H

#include <stddef.h>
#include <stdint.h>

/* GCC may emit calls to these even in freestanding code. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

size_t kstrlen(const char *s);
int kstreq(const char *a, const char *b);
/* If s starts with prefix, returns the rest of s, else NULL. */
const char *kstrprefix(const char *s, const char *prefix);

/* n / d and n % d without libgcc's __udivdi3: two 32-bit DIVs. */
uint64_t udiv64_32(uint64_t n, uint32_t d, uint32_t *rem);

/* Parses all of s as a number: "0x"-prefixed is hex, otherwise base
 * `base` (10 or 16). Returns 0 on success, -1 if s is empty, has other
 * characters or overflows 64 bits. */
int parse_u64(const char *s, unsigned base, uint64_t *out);

#endif
