/* Command-line parsing; see options.h. */
#include "partitions/rtos/arch/x86/options.h"
#include "partitions/rtos/arch/x86/console.h"
#include "partitions/rtos/arch/x86/lib.h"

/* Words point into this copy, NUL-terminated in place. */
static char buf[512];

static int parse_u32(const char *s, unsigned base, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (parse_u64(s, base, &v) || v < min || v > max)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_port(const char *v, uint16_t *port)
{
    uint32_t p;
    if (parse_u32(v, 16, 1, 0xFFFF, &p))
        return -1;
    *port = (uint16_t)p;
    return 0;
}

static int parse_console(const char *v, uint16_t *port)
{
    static const struct {
        const char *name;
        uint16_t port;
    } coms[] = {{"com1", COM1_PORT}, {"com2", COM2_PORT}, {"com3", COM3_PORT}, {"com4", COM4_PORT}, {"none", 0}};
    for (unsigned i = 0; i < sizeof coms / sizeof coms[0]; i++) {
        if (kstreq(v, coms[i].name)) {
            *port = coms[i].port;
            return 0;
        }
    }
    return parse_port(v, port);
}

/* v must be one of names[0..n); its index goes to *out. */
static int parse_choice(const char *v, const char *const *names, unsigned n, unsigned *out)
{
    for (unsigned i = 0; i < n; i++) {
        if (kstreq(v, names[i])) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

static int parse_word(char *w, struct options *o)
{
    static const char *const apps[] = {[APP_DEMO] = "demo", [APP_SELFTEST] = "selftest", [APP_LATENCY] = "latency"};
    static const char *const timers[] = {[TIMER_TSC] = "tsc", [TIMER_HPET] = "hpet"};
    char *eq = w;
    while (*eq && *eq != '=')
        eq++;
    if (!*eq)
        return 0; /* bare words: not ours */
    *eq = 0;
    const char *v = eq + 1;
    unsigned choice = 0;
    int bad;
    if (kstreq(w, "console"))
        bad = parse_console(v, &o->console_port);
    else if (kstreq(w, "app")) {
        bad = parse_choice(v, apps, 3, &choice);
        o->app = bad ? o->app : (enum rtos_app)choice;
    } else if (kstreq(w, "timer")) {
        bad = parse_choice(v, timers, 2, &choice);
        o->timer = bad ? o->timer : (enum rtos_timer_src)choice;
    } else if (kstreq(w, "samples"))
        bad = parse_u32(v, 10, 1, OPT_MAX_SAMPLES, &o->samples);
    else if (kstreq(w, "period_us"))
        bad = parse_u32(v, 10, 20, 1000000, &o->period_us);
    else if (kstreq(w, "scope_port"))
        bad = parse_port(v, &o->scope_port);
    else if (kstreq(w, "hpet_pin"))
        bad = parse_u32(v, 10, 0, 31, &o->hpet_pin);
    else if (kstreq(w, "heartbeat"))
        bad = parse_u32(v, 10, 1, 3600000, &o->heartbeat_ms);
    else if (kstreq(w, "beats"))
        bad = parse_u32(v, 10, 0, UINT32_MAX, &o->beats);
    else if (kstreq(w, "ap_spin") && !(bad = parse_u32(v, 10, 0, 254, &o->ap_spin)))
        o->ap_spin++; /* stored as id + 1 so that 0 means none */
    else
        bad = 1;
    *eq = '='; /* keep the whole word for the warning */
    return bad;
}

void options_parse(const char *cmdline, struct options *o)
{
    *o = (struct options){
        .console_port = COM1_PORT, .samples = 2000, .period_us = 200, .hpet_pin = 20, .heartbeat_ms = 1000};
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
        if (parse_word(w, o) && o->bad_count < OPT_MAX_BAD)
            o->bad[o->bad_count++] = w;
    }
}
