/* Boot command line options (hv/cmdline.h). The line is scanned afresh on
 * every query: it is short and read a handful of times at boot. */
#include "hv/cmdline.h"
#include "hv/string.h"

struct word {
    const char *p;
    size_t key_len; /* up to '=' or the end */
    size_t len;
};

/* Scans the word starting at s; true when its key contains '/' (QEMU
 * passes the kernel path as the first word). */
static bool scan_word(const char *s, struct word *w)
{
    bool in_key = true, path = false;
    w->p = s;
    w->key_len = 0;
    for (w->len = 0; s[w->len] && s[w->len] != ' '; w->len++) {
        if (!in_key)
            continue;
        if (s[w->len] == '=') {
            in_key = false;
        } else {
            w->key_len++;
            path |= s[w->len] == '/';
        }
    }
    return path;
}

/* Finds the next option word at or after *pos and moves *pos past it. */
static bool next_word(const char **pos, struct word *w)
{
    const char *s = *pos;
    for (;;) {
        while (*s == ' ')
            s++;
        if (!*s) {
            *pos = s;
            return false;
        }
        bool path = scan_word(s, w);
        s += w->len;
        if (!path) {
            *pos = s;
            return true;
        }
    }
}

/* Finds the last word whose key is `key`. */
static bool find_last(const char *cmdline, const char *key, struct word *found)
{
    size_t klen = key ? strlen(key) : 0;
    const char *pos = cmdline ? cmdline : "";
    struct word w;
    bool any = false;

    if (klen == 0)
        return false;
    while (next_word(&pos, &w)) {
        if (w.key_len == klen && memcmp(w.p, key, klen) == 0) {
            *found = w;
            any = true;
        }
    }
    return any;
}

static void value_of(const struct word *w, const char **val, size_t *len)
{
    /* A bare flag has an empty value. */
    *val = w->p + w->len;
    *len = 0;
    if (w->len > w->key_len) {
        *val = w->p + w->key_len + 1;
        *len = w->len - w->key_len - 1;
    }
}

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
    struct word w;
    const char *val;
    size_t len;

    if (!find_last(cmdline, key, &w))
        return false;
    value_of(&w, &val, &len);
    if (size) {
        len = MIN(len, size - 1);
        memcpy(buf, val, len);
        buf[len] = '\0';
    }
    return true;
}

bool cmdline_has(const char *cmdline, const char *key)
{
    struct word w;
    return find_last(cmdline, key, &w);
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20; /* lower case */
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return 99;
}

/* Parses all of p[0..n) as decimal, or hex after "0x"; rejects overflow. */
static bool parse_u64(const char *p, size_t n, uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;

    if (n > 2 && p[0] == '0' && (p[1] | 0x20) == 'x') {
        base = 16;
        p += 2;
        n -= 2;
    }
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)digit_value(p[i]);
        if (d >= base || v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

bool cmdline_get_u64(const char *cmdline, const char *key, uint64_t *out)
{
    struct word w;
    const char *val;
    size_t len;

    if (!find_last(cmdline, key, &w))
        return false;
    value_of(&w, &val, &len);
    return parse_u64(val, len, out);
}

void cmdline_for_each(const char *cmdline,
                      void (*fn)(const char *word, size_t key_len, size_t word_len, void *ctx),
                      void *ctx)
{
    const char *pos = cmdline ? cmdline : "";
    struct word w;
    while (next_word(&pos, &w))
        fn(w.p, w.key_len, w.len, ctx);
}
