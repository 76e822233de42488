/* Tests for hv/cmdline.c. */
#include <string.h>

#include "hv/cmdline.h"
#include "unit.h"

TEST(bare_flags)
{
    char buf[16] = "junk";
    const char *cl = "quiet debug";
    CHECK(cmdline_has(cl, "quiet"));
    CHECK(cmdline_has(cl, "debug"));
    CHECK(!cmdline_has(cl, "deb"));
    CHECK(!cmdline_has(cl, "debugx"));
    CHECK(cmdline_get(cl, "debug", buf, sizeof buf));
    CHECK_STR(buf, "");
    uint64_t v = 7;
    CHECK(!cmdline_get_u64(cl, "quiet", &v));
    CHECK_EQ(v, 7);
}

TEST(key_value)
{
    char buf[32];
    const char *cl = "console=com1 mem=512 empty=";
    CHECK(cmdline_get(cl, "console", buf, sizeof buf));
    CHECK_STR(buf, "com1");
    CHECK(cmdline_get(cl, "mem", buf, sizeof buf));
    CHECK_STR(buf, "512");
    CHECK(cmdline_get(cl, "empty", buf, sizeof buf));
    CHECK_STR(buf, "");
    CHECK(cmdline_has(cl, "console"));
    CHECK(!cmdline_get(cl, "com1", buf, sizeof buf));
    CHECK(!cmdline_has(cl, "cons"));
}

TEST(value_may_contain_equals_and_slash)
{
    char buf[32];
    const char *cl = "opt=a=b log=/dev/ttyS0";
    CHECK(cmdline_get(cl, "opt", buf, sizeof buf));
    CHECK_STR(buf, "a=b");
    CHECK(cmdline_get(cl, "log", buf, sizeof buf));
    CHECK_STR(buf, "/dev/ttyS0");
}

TEST(last_occurrence_wins)
{
    char buf[16];
    uint64_t v = 0;
    const char *cl = "cpus=1 x cpus=4 y cpus=2";
    CHECK(cmdline_get(cl, "cpus", buf, sizeof buf));
    CHECK_STR(buf, "2");
    CHECK(cmdline_get_u64(cl, "cpus", &v));
    CHECK_EQ(v, 2);
    CHECK(cmdline_get("v=1 v", "v", buf, sizeof buf));
    CHECK_STR(buf, "");
}

TEST(path_words_are_skipped)
{
    char buf[16];
    const char *cl = "build/hv.elf console=com1";
    CHECK(!cmdline_has(cl, "build/hv.elf"));
    CHECK(!cmdline_has(cl, "build"));
    CHECK(cmdline_get(cl, "console", buf, sizeof buf));
    CHECK_STR(buf, "com1");
    CHECK(!cmdline_has("/boot/hv.elf", "/boot/hv.elf"));
    CHECK(!cmdline_has("a/b=c", "a/b"));
}

TEST(numbers)
{
    uint64_t v = 0;
    const char *cl = "a=123 b=0x7b c=0X7B d=0 e=18446744073709551615 f=0xffffffffffffffff g=0x0";
    CHECK(cmdline_get_u64(cl, "a", &v));
    CHECK_EQ(v, 123);
    CHECK(cmdline_get_u64(cl, "b", &v));
    CHECK_EQ(v, 123);
    CHECK(cmdline_get_u64(cl, "c", &v));
    CHECK_EQ(v, 123);
    CHECK(cmdline_get_u64(cl, "d", &v));
    CHECK_EQ(v, 0);
    CHECK(cmdline_get_u64(cl, "e", &v));
    CHECK_EQ(v, UINT64_MAX);
    CHECK(cmdline_get_u64(cl, "f", &v));
    CHECK_EQ(v, UINT64_MAX);
    CHECK(cmdline_get_u64(cl, "g", &v));
    CHECK_EQ(v, 0);
}

TEST(bad_numbers_leave_out_unchanged)
{
    const char *bad[] = {
        "n=", "n", "n=0x", "n=12a", "n=-1", "n=+1", "n=0x1g", "n= 5", "n=18446744073709551616",
        "n=0x10000000000000000", "n=1.5", "n=abc",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v = 99;
        CHECK(!cmdline_get_u64(bad[i], "n", &v));
        CHECK_EQ(v, 99);
    }
    uint64_t v = 99;
    CHECK(!cmdline_get_u64("m=1", "n", &v));
    CHECK_EQ(v, 99);
}

TEST(empty_and_null_lines)
{
    char buf[8] = "x";
    uint64_t v = 1;
    CHECK(!cmdline_has("", "a"));
    CHECK(!cmdline_has("   ", "a"));
    CHECK(!cmdline_has(NULL, "a"));
    CHECK(!cmdline_get("", "a", buf, sizeof buf));
    CHECK_STR(buf, "x");
    CHECK(!cmdline_get_u64(NULL, "a", &v));
    CHECK(!cmdline_has("a", ""));
    CHECK(!cmdline_has("=x", ""));
}

TEST(multiple_spaces)
{
    char buf[8];
    const char *cl = "   a=1    b     c=3   ";
    CHECK(cmdline_get(cl, "a", buf, sizeof buf));
    CHECK_STR(buf, "1");
    CHECK(cmdline_has(cl, "b"));
    CHECK(cmdline_get(cl, "c", buf, sizeof buf));
    CHECK_STR(buf, "3");
}

TEST(value_truncated_and_terminated)
{
    char buf[5];
    memset(buf, 'z', sizeof buf);
    CHECK(cmdline_get("name=abcdefgh", "name", buf, sizeof buf));
    CHECK_STR(buf, "abcd");
    CHECK(cmdline_get("name=abcdefgh", "name", buf, 1));
    CHECK_STR(buf, "");
    CHECK(cmdline_get("name=abcdefgh", "name", NULL, 0));
}

struct seen {
    char text[128];
};

static void collect(const char *word, size_t key_len, size_t word_len, void *ctx)
{
    struct seen *s = ctx;
    size_t n = strlen(s->text);
    snprintf(s->text + n, sizeof s->text - n, "[%.*s|%zu]", (int)word_len, word, key_len);
}

TEST(for_each_skips_paths_and_reports_key_length)
{
    struct seen s = {""};
    cmdline_for_each("build/hv.elf  console=com1 quiet  x= ", collect, &s);
    CHECK_STR(s.text, "[console=com1|7][quiet|5][x=|1]");
    s.text[0] = '\0';
    cmdline_for_each(NULL, collect, &s);
    cmdline_for_each("", collect, &s);
    CHECK_STR(s.text, "");
}
