/* Tests for hv/fmt.c: mostly byte-for-byte comparisons with the host's
 * snprintf over many format/value combinations, plus the documented
 * differences (%p, NULL %s, unsupported conversions). */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/fmt.h"
#include "unit.h"

#define OUT_MAX 256

static int mismatches;

/* Formats with both implementations and reports the first few diffs. */
PRINTF_LIKE(2, 3) static void cmp(int line, const char *f, ...)
{
    char a[OUT_MAX], b[OUT_MAX];
    va_list ap, aq;
    va_start(ap, f);
    va_copy(aq, ap);
    int ra = fmt_vsnprintf(a, sizeof a, f, ap);
    int rb = vsnprintf(b, sizeof b, f, aq);
    va_end(aq);
    va_end(ap);
    if ((ra != rb || strcmp(a, b) != 0) && mismatches++ < 10) {
        char m[OUT_MAX * 3];
        snprintf(m, sizeof m, "\"%s\": got %d \"%s\", libc %d \"%s\"", f, ra, a, rb, b);
        unit_fail(__FILE__, line, m);
    }
}
#define CMP(...) cmp(__LINE__, __VA_ARGS__)

/* Ends a case: no mismatches, and a clean count for the next case. */
#define CHECK_NO_MISMATCH()      \
    do {                         \
        CHECK_EQ(mismatches, 0); \
        mismatches = 0;          \
    } while (0)

static const int64_t values[] = {
    0, 1, -1, 7, 8, 42, -42, 255, 256, 0x7f, -128, 32767, -32768, 65535, 1000000,
    INT_MAX, INT_MIN, UINT_MAX, 0x123456789abcLL, INT64_MAX, INT64_MIN, -2,
};

enum { L_INT, L_HH, L_H, L_L, L_LL, L_Z };
static const char *const len_mod[] = {"", "hh", "h", "l", "ll", "z"};

static void cmp_value(const char *f, int len, int64_t v)
{
    switch (len) {
    case L_L: CMP(f, (long)v); break;
    case L_LL: CMP(f, (long long)v); break;
    case L_Z: CMP(f, (size_t)v); break;
    default: CMP(f, (int)v); break;
    }
}

/* Every flag subset x width x precision x length for one conversion. */
static void sweep(char conv, bool allow_alt)
{
    static const char *const widths[] = {"", "1", "5", "24"};
    static const char *const precs[] = {"", ".", ".0", ".1", ".3", ".22"};
    static const char flag_chars[] = "-0+ #";

    for (unsigned fl = 0; fl < 32; fl++) {
        if ((fl & 16) && !allow_alt)
            continue;
        char flags[8];
        size_t nf = 0;
        for (unsigned i = 0; i < 5; i++)
            if (fl & (1u << i))
                flags[nf++] = flag_chars[i];
        flags[nf] = '\0';
        for (size_t w = 0; w < 4; w++)
            for (size_t p = 0; p < 6; p++)
                for (int len = L_INT; len <= L_Z; len++) {
                    char f[32];
                    snprintf(f, sizeof f, "[%%%s%s%s%s%c]", flags, widths[w], precs[p],
                             len_mod[len], conv);
                    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++)
                        cmp_value(f, len, values[v]);
                }
    }
}

TEST(sweep_d_i) { sweep('d', false); sweep('i', false); CHECK_NO_MISMATCH(); }
TEST(sweep_u) { sweep('u', false); CHECK_NO_MISMATCH(); }
TEST(sweep_x_X) { sweep('x', true); sweep('X', true); CHECK_NO_MISMATCH(); }
TEST(sweep_o) { sweep('o', true); CHECK_NO_MISMATCH(); }

TEST(integer_extremes)
{
    CMP("%lld %lld", (long long)INT64_MIN, (long long)INT64_MAX);
    CMP("%llu %llx %llo", (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX,
        (unsigned long long)UINT64_MAX);
    CMP("%d %d %u", INT_MIN, INT_MAX, UINT_MAX);
    CMP("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
    CMP("%zu %zx %zd", (size_t)SIZE_MAX, (size_t)12345, (size_t)-5);
    CMP("%030lld|%-30lld|%+.25lld", (long long)INT64_MIN, (long long)INT64_MIN,
        (long long)INT64_MIN);
    CHECK_NO_MISMATCH();
}

TEST(chars_and_strings)
{
    CMP("%c%c%c", 'a', 'b', 'c');
    CMP("[%5c][%-5c][%1c]", 'x', 'y', 'z');
    CMP("[%s][%10s][%-10s][%.2s][%10.2s][%-10.0s][%.20s]", "hello", "hello", "hello", "hello",
        "hello", "hello", "hello");
    CMP("[%s][%5s]", "", "");
    CMP("100%% %s%%", "done");
    CMP("plain text, no directives");
    CMP("%s=%d %s=%#x", "a", 1, "b", 0xff);
    CHECK_NO_MISMATCH();
}

TEST(star_width_and_precision)
{
    CMP("[%*d][%*d][%-*d]", 6, 42, -6, 42, 6, 42);
    CMP("[%.*d][%.*d][%.*d]", 5, 42, -1, 42, 0, 0);
    CMP("[%*.*x][%-*.*s]", 10, 4, 0xab, 8, 3, "abcdef");
    CMP("[%0*d][%0*d]", 8, -42, -8, -42);
    CHECK_NO_MISMATCH();
}

TEST(precision_string_reads_no_further)
{
    char unterminated[3] = {'a', 'b', 'c'};
    char out[16];
    CHECK_EQ(fmt_snprintf(out, sizeof out, "%.3s|", unterminated), 4);
    CHECK_STR(out, "abc|");
    CHECK_EQ(fmt_snprintf(out, sizeof out, "%.2s|", unterminated), 3);
    CHECK_STR(out, "ab|");
}

TEST(pointer_is_0x_and_16_digits)
{
    char out[64], want[64];
    void *p = &mismatches;
    fmt_snprintf(out, sizeof out, "%p", p);
    snprintf(want, sizeof want, "0x%016" PRIxPTR, (uintptr_t)p);
    CHECK_STR(out, want);
    CHECK_EQ(fmt_snprintf(out, sizeof out, "%p", (void *)0), 18);
    CHECK_STR(out, "0x0000000000000000");
    fmt_snprintf(out, sizeof out, "[%20p][%-20p]", (void *)0x1234, (void *)0xabc);
    CHECK_STR(out, "[  0x0000000000001234][0x0000000000000abc  ]");
}

TEST(null_string_prints_null)
{
    char out[64];
    const char *volatile null = NULL;
    CHECK_EQ(fmt_snprintf(out, sizeof out, "%s", null), 6);
    CHECK_STR(out, "(null)");
    fmt_snprintf(out, sizeof out, "[%8s][%-8s]", null, null);
    CHECK_STR(out, "[  (null)][(null)  ]");
}

TEST(unsupported_directives_are_copied)
{
    char out[64];
    /* Runtime formats, so -Wformat does not reject them. */
    const char *volatile f1 = "a%qb", *volatile f2 = "x%5ky", *volatile f3 = "end%";
    const char *volatile f4 = "%n%d";
    CHECK_EQ(fmt_snprintf(out, sizeof out, f1), 4);
    CHECK_STR(out, "a%qb");
    CHECK_EQ(fmt_snprintf(out, sizeof out, f2), 5);
    CHECK_STR(out, "x%5ky");
    CHECK_EQ(fmt_snprintf(out, sizeof out, f3), 4);
    CHECK_STR(out, "end%");
    CHECK_EQ(fmt_snprintf(out, sizeof out, f4, 7), 3);
    CHECK_STR(out, "%n7");
}

TEST(truncation_and_return_value)
{
    const char *full = "value=-12345 name=abc";
    size_t flen = strlen(full);
    for (size_t size = 1; size <= flen + 2; size++) {
        char out[64];
        memset(out, '#', sizeof out);
        int r = fmt_snprintf(out, size, "value=%d name=%s", -12345, "abc");
        CHECK_EQ(r, flen);
        size_t kept = size - 1 < flen ? size - 1 : flen;
        CHECK(memcmp(out, full, kept) == 0);
        CHECK_EQ(out[kept], '\0');
        for (size_t i = kept + 1; i < sizeof out; i++)
            CHECK_EQ(out[i], '#');
    }
}

TEST(size_zero_writes_nothing)
{
    char out[4] = "zzz";
    CHECK_EQ(fmt_snprintf(out, 0, "%s-%d", "abc", 12), 6);
    CHECK_STR(out, "zzz");
    CHECK_EQ(fmt_snprintf(NULL, 0, "%08x", 1u), 8);
    CHECK_EQ(fmt_snprintf(out, sizeof out, "%s", ""), 0);
    CHECK_STR(out, "");
}

TEST(long_padding_counts_fully)
{
    char out[8];
    CHECK_EQ(fmt_snprintf(out, sizeof out, "%300d", 1), 300);
    CHECK_STR(out, "       ");
    CHECK_EQ(fmt_snprintf(out, sizeof out, "%.300d", 1), 300);
    CHECK_STR(out, "0000000");
}
