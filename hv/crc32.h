/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32): check value of
 * "123456789" is 0xCBF43926. Used to prove boot modules arrive intact. */
#ifndef HV_CRC32_H
#define HV_CRC32_H

#include "hv/types.h"

uint32_t crc32(const void *data, size_t len);

#endif
