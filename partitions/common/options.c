/* Command-line parsing helpers; see options.h. */
#include "partitions/common/options.h"
#include "partitions/common/console.h"
#include "partitions/common/lib.h"

/* Words point into this copy, NUL-terminated in place. */
static char buf[512];

void opt_parse(const char *cmdline, opt_word_fn fn, void *ctx, const char **bad, uint32_t *nbad)
{
    size_t n = 0;
    if (cmdline)
        for (; cmdline[n] && n < sizeof buf - 1; n++)
            buf[n] = cmdline[n];
    buf[n] = 0;

    for (char *p = buf; *p;) {
        while (*p == ' ' || *p == '\t')
            *p++ = 0;
        if (!*p)
            break;
        char *w = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = 0;
        char *eq = w;
        while (*eq && *eq != '=')
            eq++;
        int refused;
        if (*eq) {
            *eq = 0;
            refused = fn(w, eq + 1, ctx);
            *eq = '='; /* keep the whole word for the warning */
        } else {
            refused = fn(w, NULL, ctx);
        }
        if (refused && *nbad < OPT_MAX_BAD)
            bad[(*nbad)++] = w;
    }
}

int opt_u32(const char *v, unsigned base, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t x;
    if (parse_u64(v, base, &x) || x < min || x > max)
        return -1;
    *out = (uint32_t)x;
    return 0;
}

int opt_choice(const char *v, const char *const *names, unsigned n, unsigned *out)
{
    for (unsigned i = 0; i < n; i++) {
        if (kstreq(v, names[i])) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

int opt_console(const char *v, uint16_t *port)
{
    static const char *const names[] = {"none", "com1", "com2", "com3", "com4"};
    static const uint16_t ports[] = {0, COM1_PORT, COM2_PORT, COM3_PORT, COM4_PORT};
    unsigned i;
    uint32_t p;
    if (!opt_choice(v, names, 5, &i))
        p = ports[i];
    else if (opt_u32(v, 16, 1, 0xFFFF, &p))
        return -1;
    *port = (uint16_t)p;
    return 0;
}
