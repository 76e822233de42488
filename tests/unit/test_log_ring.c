/* hv/log_ring.c: a partition's bounded log ring keeps lines whole and in
 * order, drops a line that does not fit whole, and reports the loss
 * where it happened. */
#include <string.h>

#include "hv/log_ring.h"
#include "unit.h"

static struct log_ring ring;
static char out[LOG_RING_LINE_MAX + 1];

static bool put(const char *s) { return log_ring_put(&ring, s, (uint32_t)strlen(s)); }

TEST(log_ring_lines_in_order)
{
    memset(&ring, 0, sizeof ring);
    CHECK(log_ring_empty(&ring));
    CHECK_EQ(log_ring_take(&ring, out, sizeof out), -1);
    CHECK(put("first"));
    CHECK(put(""));
    CHECK(put("third line"));
    CHECK_EQ(log_ring_take(&ring, out, sizeof out), 5);
    CHECK_STR(out, "first");
    CHECK_EQ(log_ring_take(&ring, out, sizeof out), 0);
    CHECK_STR(out, "");
    CHECK_EQ(log_ring_take(&ring, out, sizeof out), 10);
    CHECK_STR(out, "third line");
    CHECK(log_ring_empty(&ring));
}

/* Fills the ring with 255-byte lines (256 with '\n'): 16 fit exactly. */
static void fill_full_lines(char mark)
{
    char line[LOG_RING_LINE_MAX];
    memset(line, mark, sizeof line);
    for (int i = 0; i < LOG_RING_BYTES / LOG_RING_LINE_MAX; i++)
        CHECK(log_ring_put(&ring, line, LOG_RING_LINE_MAX - 1));
}

TEST(log_ring_full_drops_whole_line_and_reports_it_in_place)
{
    memset(&ring, 0, sizeof ring);
    fill_full_lines('a');
    CHECK(!put("lost one"));   /* 9 bytes with its '\n' */
    CHECK(!put("lost two!"));  /* 10 */
    CHECK_EQ(ring.dropped_total, 19);
    CHECK_EQ(log_ring_take(&ring, out, sizeof out), LOG_RING_LINE_MAX - 1); /* the first 'a' line */
    CHECK(put("after"));       /* room again: stored after the loss */
    for (int i = 1; i < LOG_RING_BYTES / LOG_RING_LINE_MAX; i++) {
        CHECK_EQ(log_ring_take(&ring, out, sizeof out), LOG_RING_LINE_MAX - 1);
        CHECK_EQ(out[0], 'a');
    }
    CHECK(log_ring_take(&ring, out, sizeof out) > 0);
    CHECK_STR(out, "[19 bytes dropped]");
    CHECK_EQ(log_ring_take(&ring, out, sizeof out), 5);
    CHECK_STR(out, "after");
    CHECK(log_ring_empty(&ring));
    CHECK_EQ(log_ring_take(&ring, out, sizeof out), -1);
}

TEST(log_ring_wraps_many_times)
{
    memset(&ring, 0, sizeof ring);
    ring.head = ring.tail = 0xFFFFFF00u; /* the counters wrap too */
    char line[64];
    for (uint32_t i = 0; i < 10000; i++) {
        uint32_t n = i % 60;
        for (uint32_t k = 0; k < n; k++)
            line[k] = (char)('a' + (i + k) % 26);
        CHECK(log_ring_put(&ring, line, n));
        if (i % 3 == 2) { /* takes fall behind puts, then catch up */
            for (int t = 0; t < 3; t++)
                CHECK(log_ring_take(&ring, out, sizeof out) >= 0);
        }
    }
    CHECK_EQ(log_ring_take(&ring, out, sizeof out), (int)(9999 % 60)); /* the last one */
    CHECK(log_ring_empty(&ring));
    CHECK_EQ(ring.dropped_total, 0);
}

TEST(log_ring_long_line_clipped)
{
    memset(&ring, 0, sizeof ring);
    char line[LOG_RING_LINE_MAX + 50];
    memset(line, 'x', sizeof line);
    CHECK(log_ring_put(&ring, line, sizeof line));
    CHECK_EQ(log_ring_take(&ring, out, sizeof out), LOG_RING_LINE_MAX);
    CHECK(log_ring_empty(&ring));
}
