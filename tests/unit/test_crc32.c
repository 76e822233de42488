/* Tests for hv/crc32.c against the standard check value, vectors zlib
 * produces, and a bit-at-a-time reference. */
#include <string.h>

#include "hv/crc32.h"
#include "unit.h"

static uint32_t crc32_bitwise(const uint8_t *p, size_t len)
{
    uint32_t crc = 0xffffffffu;
    while (len--) {
        crc ^= *p++;
        for (int i = 0; i < 8; i++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

TEST(crc32_check_value)
{
    CHECK_EQ(crc32("123456789", 9), 0xcbf43926u);
}

TEST(crc32_zlib_vectors)
{
    CHECK_EQ(crc32("", 0), 0);
    CHECK_EQ(crc32(NULL, 0), 0);
    CHECK_EQ(crc32("a", 1), 0xe8b7be43u);
    CHECK_EQ(crc32("abc", 3), 0x352441c2u);
    const char *fox = "The quick brown fox jumps over the lazy dog";
    CHECK_EQ(crc32(fox, strlen(fox)), 0x414fa339u);
    uint8_t zeros[32] = {0};
    CHECK_EQ(crc32(zeros, sizeof zeros), 0x190a55adu);
    uint8_t ones[32];
    memset(ones, 0xff, sizeof ones);
    CHECK_EQ(crc32(ones, sizeof ones), 0xff6cab0bu);
}

TEST(crc32_matches_bitwise_reference)
{
    uint8_t buf[1024];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    for (size_t n = 0; n <= sizeof buf; n += 37)
        CHECK_EQ(crc32(buf, n), crc32_bitwise(buf, n));
}
