/* printf-style formatting (hv/fmt.h): the C99 subset the hypervisor's
 * console and logs need. Output goes through a bounded sink that counts
 * everything, so callers learn the full length even when truncated.
 * Unsupported conversions (including %n, which would write memory) are
 * copied to the output verbatim. */
#include "hv/fmt.h"
#include "hv/string.h"

#define F_LEFT 0x01u
#define F_ZERO 0x02u
#define F_PLUS 0x04u
#define F_SPACE 0x08u
#define F_ALT 0x10u

/* Caps parsed widths so the arithmetic on them cannot overflow. */
#define WIDTH_MAX 1000000

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z };

struct sink {
    char *buf;
    size_t size;
    size_t len; /* bytes the full output has so far */
};

struct spec {
    unsigned flags;
    int width;
    int prec; /* -1: none given */
    enum length len;
};

static void put(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void put_rep(struct sink *s, char c, int n)
{
    while (n-- > 0)
        put(s, c);
}

static void put_str(struct sink *s, const char *p, size_t n)
{
    while (n--)
        put(s, *p++);
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int parse_num(const char **fmt)
{
    int v = 0;
    for (; is_digit(**fmt); (*fmt)++)
        if (v < WIDTH_MAX)
            v = v * 10 + (**fmt - '0');
    return v < WIDTH_MAX ? v : WIDTH_MAX;
}

static int clamp_arg(int v)
{
    if (v < -WIDTH_MAX)
        return -WIDTH_MAX;
    return v > WIDTH_MAX ? WIDTH_MAX : v;
}

static const char *parse_flags(const char *fmt, unsigned *flags)
{
    for (;; fmt++) {
        switch (*fmt) {
        case '-': *flags |= F_LEFT; break;
        case '0': *flags |= F_ZERO; break;
        case '+': *flags |= F_PLUS; break;
        case ' ': *flags |= F_SPACE; break;
        case '#': *flags |= F_ALT; break;
        default: return fmt;
        }
    }
}

/* Parses flags, width, precision and length after the '%'. */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
    sp->flags = 0;
    sp->prec = -1;
    fmt = parse_flags(fmt, &sp->flags);
    if (*fmt == '*') {
        fmt++;
        sp->width = clamp_arg(va_arg(*ap, int));
        if (sp->width < 0) { /* C: a negative '*' width means '-' */
            sp->flags |= F_LEFT;
            sp->width = -sp->width;
        }
    } else {
        sp->width = parse_num(&fmt);
    }
    if (*fmt == '.') {
        fmt++;
        if (*fmt == '*') {
            fmt++;
            sp->prec = clamp_arg(va_arg(*ap, int));
            if (sp->prec < 0) /* C: as if no precision */
                sp->prec = -1;
        } else {
            sp->prec = parse_num(&fmt);
        }
    }
    sp->len = LEN_NONE;
    if (*fmt == 'h') {
        fmt++;
        sp->len = *fmt == 'h' ? (fmt++, LEN_HH) : LEN_H;
    } else if (*fmt == 'l') {
        fmt++;
        sp->len = *fmt == 'l' ? (fmt++, LEN_LL) : LEN_L;
    } else if (*fmt == 'z') {
        fmt++;
        sp->len = LEN_Z;
    }
    return fmt;
}

static int64_t arg_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_HH: return (signed char)va_arg(*ap, int);
    case LEN_H: return (short)va_arg(*ap, int);
    case LEN_L: return va_arg(*ap, long);
    case LEN_LL: return va_arg(*ap, long long);
    case LEN_Z: return (int64_t)va_arg(*ap, size_t);
    default: return va_arg(*ap, int);
    }
}

static uint64_t arg_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_HH: return (unsigned char)va_arg(*ap, unsigned);
    case LEN_H: return (unsigned short)va_arg(*ap, unsigned);
    case LEN_L: return va_arg(*ap, unsigned long);
    case LEN_LL: return va_arg(*ap, unsigned long long);
    case LEN_Z: return va_arg(*ap, size_t);
    default: return va_arg(*ap, unsigned);
    }
}

/* Writes v's digits backwards from end; returns the digit count. */
static int to_digits(char *end, uint64_t v, unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do {
        *--end = digits[v % base];
        v /= base;
        n++;
    } while (v);
    return n;
}

/* Emits a number: [spaces][prefix][zeros][digits][spaces]. */
static void put_number(struct sink *s, const struct spec *sp, uint64_t v, unsigned base,
                       bool upper, const char *prefix)
{
    char tmp[24]; /* 22 octal digits for 64 bits */
    int nd = (sp->prec == 0 && v == 0) ? 0 : to_digits(tmp + sizeof tmp, v, base, upper);
    int zeros = sp->prec > nd ? sp->prec - nd : 0;
    int plen = (int)strlen(prefix);

    /* '#' with 'o' forces a leading zero digit. */
    if (base == 8 && (sp->flags & F_ALT) && zeros == 0 && (v != 0 || nd == 0))
        zeros = 1;
    /* '0' pads with zeros, unless '-' or a precision was given. */
    if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->prec < 0 &&
        sp->width > plen + zeros + nd)
        zeros = sp->width - plen - nd;
    int pad = sp->width - (plen + zeros + nd);

    if (!(sp->flags & F_LEFT))
        put_rep(s, ' ', pad);
    put_str(s, prefix, (size_t)plen);
    put_rep(s, '0', zeros);
    put_str(s, tmp + sizeof tmp - nd, (size_t)nd);
    if (sp->flags & F_LEFT)
        put_rep(s, ' ', pad);
}

static void put_padded(struct sink *s, const struct spec *sp, const char *p, size_t n)
{
    int pad = (size_t)sp->width > n ? sp->width - (int)n : 0;
    if (!(sp->flags & F_LEFT))
        put_rep(s, ' ', pad);
    put_str(s, p, n);
    if (sp->flags & F_LEFT)
        put_rep(s, ' ', pad);
}

static void conv_signed(struct sink *s, const struct spec *sp, va_list *ap)
{
    int64_t v = arg_signed(ap, sp->len);
    /* Negate in unsigned arithmetic so INT64_MIN works. */
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    const char *sign = v < 0 ? "-" : (sp->flags & F_PLUS) ? "+" : (sp->flags & F_SPACE) ? " " : "";
    put_number(s, sp, mag, 10, false, sign);
}

static void conv_unsigned(struct sink *s, const struct spec *sp, char conv, va_list *ap)
{
    uint64_t v = arg_unsigned(ap, sp->len);
    const char *prefix = "";
    unsigned base = 10;

    if (conv == 'o') {
        base = 8;
    } else if (conv == 'x' || conv == 'X') {
        base = 16;
        if ((sp->flags & F_ALT) && v != 0)
            prefix = conv == 'x' ? "0x" : "0X";
    }
    put_number(s, sp, v, base, conv == 'X', prefix);
}

static void conv_pointer(struct sink *s, const struct spec *sp, va_list *ap)
{
    struct spec p = {.flags = sp->flags & F_LEFT, .width = sp->width, .prec = 16};
    put_number(s, &p, (uintptr_t)va_arg(*ap, void *), 16, false, "0x");
}

static void conv_string(struct sink *s, const struct spec *sp, va_list *ap)
{
    const char *str = va_arg(*ap, const char *);
    if (!str)
        str = "(null)";
    /* strnlen: with a precision the string need not be terminated. */
    size_t n = sp->prec >= 0 ? strnlen(str, (size_t)sp->prec) : strlen(str);
    put_padded(s, sp, str, n);
}

/* Handles one conversion character; false when it is not supported. */
static bool convert(struct sink *s, const struct spec *sp, char conv, va_list *ap)
{
    char c;
    switch (conv) {
    case 'd':
    case 'i': conv_signed(s, sp, ap); return true;
    case 'u':
    case 'x':
    case 'X':
    case 'o': conv_unsigned(s, sp, conv, ap); return true;
    case 'p': conv_pointer(s, sp, ap); return true;
    case 's': conv_string(s, sp, ap); return true;
    case 'c':
        c = (char)va_arg(*ap, int);
        put_padded(s, sp, &c, 1);
        return true;
    case '%': put(s, '%'); return true;
    default: return false;
    }
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s = {.buf = buf, .size = size, .len = 0};
    struct spec sp;
    va_list aq;

    /* A copy, because va_list cannot portably be passed by address. */
    va_copy(aq, ap);
    while (*fmt) {
        if (*fmt != '%') {
            put(&s, *fmt++);
            continue;
        }
        const char *start = fmt++;
        fmt = parse_spec(fmt, &sp, &aq);
        if (*fmt && convert(&s, &sp, *fmt, &aq)) {
            fmt++;
            continue;
        }
        /* Unknown or cut off: show the directive as written. */
        if (*fmt)
            fmt++;
        put_str(&s, start, (size_t)(fmt - start));
    }
    va_end(aq);
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return s.len > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)s.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
