/* Little-endian fields in byte buffers (ELF images, boot headers, ACPI
 * tables). x86 is little endian like those formats, so copying the low
 * n bytes (n <= 8) reads or writes a field at any alignment. */
#ifndef HV_BYTES_H
#define HV_BYTES_H

#include "hv/string.h"

static inline uint64_t le_get(const void *buf, uint64_t off, unsigned n)
{
    uint64_t v = 0;
    memcpy(&v, (const uint8_t *)buf + off, n);
    return v;
}

static inline void le_put(void *buf, uint64_t off, uint64_t v, unsigned n) { memcpy((uint8_t *)buf + off, &v, n); }

#endif
