/* Console; see console.h. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/lib.h"

enum { THR = 0, DLL = 0, IER = 1, DLM = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
#define LSR_THRE 0x20
#define LCR_DLAB 0x80

static uint16_t con_port;
static char prefix[33]; /* HV_NAME_MAX + 1: a partition name fits */
/* What console_line_lock returned for the outermost line; lines nest when
 * an exception or NMI report interrupts one. Both are only touched with
 * the lock held. */
static uint32_t line_held, line_depth;

void console_init(uint16_t port, const char *name)
{
    console_set_prefix(name);
    con_port = port;
    if (!port)
        return;
    outb(port + IER, 0);
    outb(port + LCR, LCR_DLAB);
    outb(port + DLL, 1); /* 115200 = 1.8432 MHz / 16 / 1 */
    outb(port + DLM, 0);
    outb(port + LCR, 0x03); /* 8N1 */
    outb(port + FCR, 0xC7); /* enable and clear FIFOs */
    outb(port + MCR, 0x03); /* DTR, RTS; OUT2 off: no IRQ line */
}

void console_set_prefix(const char *name)
{
    size_t i = 0;
    for (; name[i] && i < sizeof prefix - 1; i++)
        prefix[i] = name[i];
    prefix[i] = 0;
}

static void putc_raw(char c)
{
    if (!con_port)
        return;
    /* Bounded: a port nobody backs must not hang us (absent ports read
     * 0xFF, which looks ready anyway). */
    for (uint32_t i = 0; i < 1000000 && !(inb(con_port + LSR) & LSR_THRE); i++)
        cpu_relax();
    outb(con_port + THR, (uint8_t)c);
}

static void puts_raw(const char *s)
{
    while (*s)
        putc_raw(*s++);
}

static void put_num(uint64_t v, unsigned base, int neg, int width, char pad)
{
    char buf[24];
    int n = 0;
    do {
        uint32_t digit;
        v = udiv64_32(v, base, &digit);
        buf[n++] = (char)(digit < 10 ? '0' + digit : 'a' + digit - 10);
    } while (v);
    if (neg)
        buf[n++] = '-';
    for (int i = n; i < width; i++)
        putc_raw(pad);
    while (n)
        putc_raw(buf[--n]);
}

void say_vmore(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putc_raw(*fmt);
            continue;
        }
        char pad = ' ';
        int width = 0, longs = 0;
        if (*++fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l')
            longs++, fmt++;
        switch (*fmt) {
        case 'd': {
            int64_t v = longs >= 2 ? va_arg(ap, int64_t) : va_arg(ap, int32_t);
            put_num(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, pad);
            break;
        }
        case 'u':
        case 'x': {
            uint64_t v = longs >= 2 ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t);
            put_num(v, *fmt == 'x' ? 16 : 10, 0, width, pad);
            break;
        }
        case 'c':
            putc_raw((char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            puts_raw(s ? s : "(null)");
            break;
        }
        case '%':
            putc_raw('%');
            break;
        default: /* unknown conversion: show it rather than guess */
            putc_raw('%');
            if (!*fmt)
                return;
            putc_raw(*fmt);
        }
    }
}

void say_begin(void)
{
    uint32_t held = console_line_lock();
    if (line_depth++ == 0)
        line_held = held;
    putc_raw('[');
    puts_raw(prefix);
    puts_raw("] ");
}

void say_more(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say_vmore(fmt, ap);
    va_end(ap);
}

void say_end(void)
{
    puts_raw("\r\n");
    if (--line_depth == 0)
        console_line_unlock(line_held);
}

void say(const char *fmt, ...)
{
    va_list ap;
    say_begin();
    va_start(ap, fmt);
    say_vmore(fmt, ap);
    va_end(ap);
    say_end();
}
