/* Minimal printf for the console (see print.h). */
#include "partitions/test/print.h"
#include "partitions/test/cpu.h"
#include "partitions/test/lib.h"
#include "partitions/test/serial.h"
#include "partitions/test/smp.h"

#include <stdint.h>

/* One line at a time across CPUs (smp): 0 = free, else owner index + 1. */
static volatile uint32_t print_owner;

/* An exception or NMI inside say() on the CPU that holds the lock must
 * still print, not deadlock: the nested line goes out unlocked. */
static int print_lock(void)
{
    uint32_t me = (uint32_t)smp_cpu_index() + 1;
    if (print_owner == me)
        return 0;
    uint32_t expected = 0;
    while (!__atomic_compare_exchange_n(&print_owner, &expected, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        expected = 0;
        cpu_relax();
    }
    return 1;
}

static void print_unlock(int taken)
{
    if (taken)
        __atomic_store_n(&print_owner, 0, __ATOMIC_RELEASE);
}

static char name_buf[33] = "test";

void log_set_name(const char *name)
{
    size_t i = 0;
    for (; name[i] && i < sizeof name_buf - 1; i++)
        name_buf[i] = name[i];
    name_buf[i] = 0;
}

const char *log_name(void) { return name_buf; }

static void puts_raw(const char *s)
{
    while (*s)
        serial_putc(*s++);
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
        serial_putc(pad);
    while (n)
        serial_putc(buf[--n]);
}

static void vformat(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            serial_putc(*fmt);
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
            serial_putc((char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            puts_raw(s ? s : "(null)");
            break;
        }
        case '%':
            serial_putc('%');
            break;
        default: /* unknown conversion: show it rather than guess */
            serial_putc('%');
            if (!*fmt)
                return;
            serial_putc(*fmt);
        }
    }
}

void say(const char *fmt, ...)
{
    va_list ap;
    int taken = print_lock();
    serial_putc('[');
    puts_raw(name_buf);
    puts_raw("] ");
    va_start(ap, fmt);
    vformat(fmt, ap);
    va_end(ap);
    puts_raw("\r\n");
    print_unlock(taken);
}
