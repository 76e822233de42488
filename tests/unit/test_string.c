/* Tests for hv/string.c, which the host build compiles under hv_ names
 * (see the top of hv/string.c); results are compared with libc's. */
#include <stdint.h>
#include <string.h>

#include "unit.h"

void *hv_memcpy(void *dst, const void *src, size_t n);
void *hv_memmove(void *dst, const void *src, size_t n);
void *hv_memset(void *dst, int c, size_t n);
int hv_memcmp(const void *a, const void *b, size_t n);
size_t hv_strlen(const char *s);
size_t hv_strnlen(const char *s, size_t max);
int hv_strcmp(const char *a, const char *b);
int hv_strncmp(const char *a, const char *b, size_t n);
char *hv_strchr(const char *s, int c);
size_t hv_strlcpy(char *dst, const char *src, size_t size);

static int sign(int v) { return (v > 0) - (v < 0); }

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 37u);
}

TEST(memcpy_offsets_and_lengths)
{
    unsigned char src[96], a[96], b[96];
    fill(src, sizeof src, 1);
    for (size_t off = 0; off < 9; off++)
        for (size_t n = 0; n + off <= 80; n++) {
            memset(a, 0xee, sizeof a);
            memset(b, 0xee, sizeof b);
            CHECK(hv_memcpy(a + off, src + 3, n) == a + off);
            memcpy(b + off, src + 3, n);
            CHECK(memcmp(a, b, sizeof a) == 0);
        }
}

TEST(memmove_overlap_both_directions)
{
    unsigned char a[64], b[64];
    for (int shift = -9; shift <= 9; shift++)
        for (size_t n = 0; n <= 40; n++) {
            fill(a, sizeof a, 7);
            fill(b, sizeof b, 7);
            CHECK(hv_memmove(a + 12 + shift, a + 12, n) == a + 12 + shift);
            memmove(b + 12 + shift, b + 12, n);
            CHECK(memcmp(a, b, sizeof a) == 0);
        }
}

TEST(memset_values)
{
    unsigned char a[80], b[80];
    int vals[] = {0, 0x5a, 0xff, 0x1234, -1};
    for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++)
        for (size_t n = 0; n <= 70; n += 7) {
            memset(a, 0x11, sizeof a);
            memset(b, 0x11, sizeof b);
            CHECK(hv_memset(a + 3, vals[v], n) == a + 3);
            memset(b + 3, vals[v], n);
            CHECK(memcmp(a, b, sizeof a) == 0);
        }
}

TEST(memcmp_sign_and_unsigned_bytes)
{
    unsigned char x[] = {1, 2, 3, 0x80}, y[] = {1, 2, 3, 0x7f};
    CHECK(hv_memcmp(x, y, 3) == 0);
    CHECK(hv_memcmp(x, y, 4) > 0);
    CHECK(hv_memcmp(y, x, 4) < 0);
    CHECK(hv_memcmp(x, y, 0) == 0);
}

TEST(strlen_strnlen)
{
    CHECK_EQ(hv_strlen(""), 0);
    CHECK_EQ(hv_strlen("hello"), 5);
    CHECK_EQ(hv_strnlen("hello", 3), 3);
    CHECK_EQ(hv_strnlen("hello", 5), 5);
    CHECK_EQ(hv_strnlen("hello", 99), 5);
    CHECK_EQ(hv_strnlen("hello", 0), 0);
    char unterminated[4] = {'a', 'b', 'c', 'd'};
    CHECK_EQ(hv_strnlen(unterminated, sizeof unterminated), 4);
}

TEST(strcmp_strncmp_match_libc)
{
    const char *s[] = {"", "a", "ab", "abc", "abd", "b", "\x80", "\x7f", "ab\x80"};
    size_t n = sizeof s / sizeof s[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            CHECK_EQ(sign(hv_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
            for (size_t k = 0; k < 5; k++)
                CHECK_EQ(sign(hv_strncmp(s[i], s[j], k)), sign(strncmp(s[i], s[j], k)));
        }
}

TEST(strchr_finds_first_and_terminator)
{
    const char *s = "a/b/c";
    CHECK(hv_strchr(s, '/') == s + 1);
    CHECK(hv_strchr(s, 'c') == s + 4);
    CHECK(hv_strchr(s, 'x') == NULL);
    CHECK(hv_strchr(s, '\0') == s + 5);
    CHECK(hv_strchr("\xff", 0xff) != NULL);
}

TEST(strlcpy_truncates_and_terminates)
{
    char buf[8];
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(hv_strlcpy(buf, "hello", sizeof buf), 5);
    CHECK_STR(buf, "hello");
    CHECK_EQ(hv_strlcpy(buf, "0123456789", sizeof buf), 10);
    CHECK_STR(buf, "0123456");
    CHECK_EQ(hv_strlcpy(buf, "abc", 1), 3);
    CHECK_STR(buf, "");
    buf[0] = 'q';
    CHECK_EQ(hv_strlcpy(buf, "abc", 0), 3);
    CHECK_EQ(buf[0], 'q');
}
