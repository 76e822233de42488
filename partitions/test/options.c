/* Command-line parsing; see options.h and README.md. */
#include "partitions/test/options.h"
#include "partitions/test/lib.h"
#include "partitions/test/serial.h"

/* Words point into this copy, NUL-terminated in place. */
static char buf[512];

static int parse_u32(const char *s, unsigned base, uint32_t *out)
{
    uint64_t v;
    if (parse_u64(s, base, &v) || v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_console(const char *v, uint16_t *port)
{
    static const struct {
        const char *name;
        uint16_t port;
    } coms[] = {{"com1", COM1_PORT}, {"com2", COM2_PORT}, {"com3", COM3_PORT}, {"com4", COM4_PORT}};
    for (unsigned i = 0; i < sizeof coms / sizeof coms[0]; i++) {
        if (kstreq(v, coms[i].name)) {
            *port = coms[i].port;
            return 0;
        }
    }
    uint32_t p;
    if (parse_u32(v, 16, &p) || p == 0 || p > 0xFFF8)
        return -1;
    *port = (uint16_t)p;
    return 0;
}

static int parse_exit(const char *v, struct options *o)
{
    if (kstreq(v, "acpi"))
        o->exit = EXIT_ACPI;
    else if (kstreq(v, "bochs"))
        o->exit = EXIT_BOCHS;
    else if (kstreq(v, "none"))
        o->exit = EXIT_NONE;
    else if (!parse_u32(v, 10, &o->exit_code))
        o->exit = EXIT_CODE;
    else
        return -1;
    return 0;
}

/* "cpuid", "vmcall", "all", or a comma-separated list of them. */
static int parse_bench(char *v, struct options *o)
{
    for (char *w = v; w;) {
        char *comma = w;
        while (*comma && *comma != ',')
            comma++;
        char *next = *comma ? comma + 1 : NULL;
        *comma = 0;
        if (kstreq(w, "cpuid"))
            o->bench_cpuid = 1;
        else if (kstreq(w, "vmcall"))
            o->bench_vmcall = 1;
        else if (kstreq(w, "all"))
            o->bench_cpuid = o->bench_vmcall = 1;
        else
            return -1;
        w = next;
    }
    return 0;
}

static int parse_word(char *w, struct options *o)
{
    char *eq = w;
    while (*eq && *eq != '=')
        eq++;
    if (!*eq) {
        if (kstreq(w, "stats"))
            o->stats = 1;
        else if (kstreq(w, "smp"))
            o->smp = 1;
        else if (kstreq(w, "hammer"))
            o->hammer = 1;
        return 0; /* other bare words: not ours */
    }
    *eq = 0;
    char *v = eq + 1;
    int bad;
    if (kstreq(w, "console"))
        bad = parse_console(v, &o->console_port);
    else if (kstreq(w, "heartbeat"))
        bad = parse_u32(v, 10, &o->heartbeat_ms) || o->heartbeat_ms == 0;
    else if (kstreq(w, "beats"))
        bad = parse_u32(v, 10, &o->beats);
    else if (kstreq(w, "exit"))
        bad = parse_exit(v, o);
    else if (kstreq(w, "attack"))
        o->attack = v, bad = !*v;
    else if (kstreq(w, "attack_after"))
        bad = parse_u32(v, 10, &o->attack_after);
    else if (kstreq(w, "bench"))
        bad = parse_bench(v, o);
    else if (kstreq(w, "gp")) {
        o->gp_continue = kstreq(v, "continue");
        bad = !o->gp_continue && !kstreq(v, "halt");
    } else if (kstreq(w, "x2apic")) {
        o->x2apic_keep = kstreq(v, "keep");
        bad = !o->x2apic_keep && !kstreq(v, "enable");
    } else
        bad = 1;
    *eq = '='; /* keep the whole word for the warning */
    return bad ? -1 : 0;
}

void options_parse(const char *cmdline, struct options *o)
{
    *o = (struct options){.console_port = COM1_PORT, .attack_after = 2};
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
