/* Attacks on IOAPIC interrupt routes (attack=KIND, see attacks.h).
 *
 * ioapic-route:PIN:ENTRY writes the whole 64-bit redirection entry ENTRY
 * (hex: destination in bits 63:56, mask 16, trigger 15, destination mode
 * 11, delivery mode 10:8, vector 7:0; 82093AA data sheet 3.2.4) to pin
 * PIN the way Linux does, high dword first, then the low dword, and
 * reads it back. Programmed on a pin the partition owns, it is refused
 * only for what it says (destination, delivery mode, vector). */
#include "partitions/common/console.h"
#include "partitions/common/lib.h"
#include "partitions/test/attacks.h"
#include "partitions/test/idt.h"

#define IOAPIC_REGSEL 0xFEC00000u
#define IOAPIC_WIN 0xFEC00010u
#define IOAPIC_REDIR(pin) (0x10u + 2u * (pin))
#define IOAPIC_PINS 24

static int write_reg(uint32_t index, uint32_t v)
{
    return store32_safe(IOAPIC_REGSEL, index) || store32_safe(IOAPIC_WIN, v);
}

static int read_reg(uint32_t index, uint32_t *v)
{
    return store32_safe(IOAPIC_REGSEL, index) || load32_safe(IOAPIC_WIN, v);
}

static void route(const char *spec, uint32_t pin, uint64_t entry)
{
    uint32_t lo = 0, hi = 0;
    say("attack %s: IOAPIC redirection entry %u := 0x%08x%08x (high dword, then low)", spec, pin,
        (uint32_t)(entry >> 32), (uint32_t)entry);
    int f = write_reg(IOAPIC_REDIR(pin) + 1, (uint32_t)(entry >> 32)) ||
            write_reg(IOAPIC_REDIR(pin), (uint32_t)entry) || read_reg(IOAPIC_REDIR(pin), &lo) ||
            read_reg(IOAPIC_REDIR(pin) + 1, &hi);
    say("attack %s: survived, %s, entry 0x%08x%08x", spec, f ? "#GP (refused)" : "no fault", hi, lo);
}

int attack_ioapic_run(const struct attack_args *a)
{
    uint64_t pin, entry;
    if (!kstreq(a->kind, "ioapic-route"))
        return 0;
    if (a->nargs != 2 || parse_u64(a->arg[0], 10, &pin) || pin >= IOAPIC_PINS || parse_u64(a->arg[1], 16, &entry))
        say("attack %s: unknown kind or bad argument (nothing done)", a->spec);
    else
        route(a->spec, (uint32_t)pin, entry);
    return 1;
}
