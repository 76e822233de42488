/* Basic types and helpers shared by every hypervisor source file.
 * Only freestanding headers, so the same code compiles for the host tests. */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (uint64_t)(a) - 1, (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define NORETURN __attribute__((noreturn))
#define PACKED __attribute__((packed))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Error codes returned as negative ints by hypervisor functions. */
#define E_OK 0
#define E_INVAL 1    /* malformed argument or data */
#define E_NOMEM 2    /* allocation failed */
#define E_RANGE 3    /* address or length out of bounds */
#define E_EXIST 4    /* already present / overlaps */
#define E_NOENT 5    /* not found */
#define E_CHECKSUM 6 /* firmware table checksum wrong */
#define E_NOTSUP 7   /* hardware lacks a feature */

#endif
