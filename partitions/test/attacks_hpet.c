/* Attacks on the mediated HPET (attack=KIND, see attacks.h). Register
 * facts: IA-PC HPET specification 1.0a, 2.3. The partition running them
 * owns comparator 0 and IOAPIC pins 20 and 21 (configs/demo.c, 'rtos');
 * the hypervisor has the main counter running.
 *
 * hpet-fsb:HOST:GUEST  comparator 0 with FSB delivery (Tn_FSB_EN_CNF):
 *                      Tn_CONF = FSB_EN | INT_ENB, Tn_FSB_INT_ROUTE =
 *                      HOST << 32 | 0xFEEDF00D, comparator = counter +
 *                      ~1 ms; the interrupt would be a raw 32-bit write of
 *                      0xFEEDF00D to host-physical HOST, which EPT never
 *                      sees. GUEST is where that word is in its own RAM:
 *                      it is watched for 20 ms and reported.
 * hpet-route:PIN       comparator 0 routed to IOAPIC pin PIN, enabled,
 *                      firing ~1 ms later (PIN another partition's: an
 *                      interrupt on a line it does not own).
 * hpet-timer:N         writes comparator N's Tn_COMPARATOR (N not its own).
 * hpet-legacy          GEN_CONF |= LEG_RT_CNF: comparators 0 and 1 take
 *                      over IRQ0 and IRQ8 (legacy replacement).
 * hpet-arm:PIN         the legitimate use: comparator 0 periodic every
 *                      ~1 ms on its own pin PIN, left running (the
 *                      hypervisor must turn it off when this partition
 *                      stops). */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/lib.h"
#include "partitions/test/attacks.h"
#include "partitions/test/tsc.h"

#define HPET_BASE 0xFED00000u
#define GEN_CONF 0x010
#define MAIN_COUNTER 0x0F0
#define TN_CONF(n) (0x100u + 0x20u * (n))
#define TN_CMP(n) (0x108u + 0x20u * (n))
#define TN_FSB(n) (0x110u + 0x20u * (n))
#define GEN_LEG_RT (1u << 1)
#define TN_INT_ENB (1u << 2)
#define TN_PERIODIC (1u << 3)
#define TN_VAL_SET (1u << 6)
#define TN_ROUTE_SHIFT 9
#define TN_FSB_EN (1u << 14)
#define FSB_VALUE 0xFEEDF00Du
#define SOON_TICKS 100000u /* 1 ms of a 100 MHz HPET (Bochs), well above any write path */
#define WATCH_MS 20

static uint32_t hpet_rd(uint32_t reg) { return mmio_read32(HPET_BASE + reg); }
static void hpet_wr(uint32_t reg, uint32_t v) { mmio_write32(HPET_BASE + reg, v); }

/* The counter's low half SOON_TICKS ahead (the high half does not move
 * within a run this short). */
static uint32_t soon(void) { return hpet_rd(MAIN_COUNTER) + SOON_TICKS; }

static void attack_fsb(const char *spec, uint32_t host, uint32_t guest)
{
    volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)guest;
    *word = 0;
    say("attack %s: HPET comparator 0 with FSB delivery of 0x%08x to host-physical 0x%08x (guest 0x%08x here)", spec,
        FSB_VALUE, host, guest);
    hpet_wr(TN_CMP(0) + 4, 0xFFFFFFFFu); /* far away while it is set up */
    hpet_wr(TN_CONF(0), TN_FSB_EN | TN_INT_ENB);
    hpet_wr(TN_FSB(0), FSB_VALUE);
    hpet_wr(TN_FSB(0) + 4, host);
    hpet_wr(TN_CMP(0) + 4, 0);
    hpet_wr(TN_CMP(0), soon());
    uint64_t end = rdtsc() + tsc_ticks_ms(WATCH_MS);
    while (*word != FSB_VALUE && !expired_tsc(end))
        cpu_relax();
    say("attack %s: survived, %s: word at guest 0x%08x is 0x%08x", spec,
        *word == FSB_VALUE ? "the FSB write landed" : "no FSB write", guest, *word);
}

static void arm_comparator0(uint32_t conf)
{
    hpet_wr(TN_CMP(0) + 4, 0);
    hpet_wr(TN_CONF(0), conf);
    hpet_wr(TN_CMP(0), soon());
}

static void attack_route(const char *spec, uint32_t pin)
{
    say("attack %s: HPET comparator 0 routed to IOAPIC pin %u, enabled", spec, pin);
    arm_comparator0(pin << TN_ROUTE_SHIFT | TN_INT_ENB);
    say("attack %s: survived, no fault, T0_CONF now 0x%08x", spec, hpet_rd(TN_CONF(0)));
}

static void attack_timer(const char *spec, uint32_t n)
{
    say("attack %s: writes HPET comparator %u's Tn_COMPARATOR", spec, n);
    hpet_wr(TN_CMP(n), soon());
    say("attack %s: survived, no fault, T%u_COMPARATOR now 0x%08x", spec, n, hpet_rd(TN_CMP(n)));
}

static void attack_legacy(const char *spec)
{
    uint32_t conf = hpet_rd(GEN_CONF);
    say("attack %s: GEN_CONF 0x%08x |= LEG_RT_CNF (comparators 0 and 1 to IRQ0 and IRQ8)", spec, conf);
    hpet_wr(GEN_CONF, conf | GEN_LEG_RT);
    say("attack %s: survived, no fault, GEN_CONF now 0x%08x", spec, hpet_rd(GEN_CONF));
}

/* Periodic (1.0a 2.3.9.2.2): with Tn_VAL_SET the comparator write sets
 * the first match, the next write the period. */
static void arm_periodic(const char *spec, uint32_t pin)
{
    say("attack %s: HPET comparator 0 periodic every %u ticks on its own IOAPIC pin %u, left running", spec,
        SOON_TICKS, pin);
    hpet_wr(TN_CONF(0), pin << TN_ROUTE_SHIFT | TN_INT_ENB | TN_PERIODIC | TN_VAL_SET);
    hpet_wr(TN_CMP(0) + 4, 0);
    hpet_wr(TN_CMP(0), soon());
    hpet_wr(TN_CMP(0), SOON_TICKS);
    say("attack %s: survived, no fault, T0_CONF now 0x%08x", spec, hpet_rd(TN_CONF(0)));
}

static int arg_u32(const struct attack_args *a, int i, unsigned base, uint32_t *out)
{
    uint64_t v;
    if (i >= a->nargs || parse_u64(a->arg[i], base, &v) || v > 0xFFFFFFFFu)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int attack_hpet_run(const struct attack_args *a)
{
    uint32_t x = 0, y = 0;
    if (kstreq(a->kind, "hpet-fsb") && !arg_u32(a, 0, 16, &x) && !arg_u32(a, 1, 16, &y) && y && y < a->ctx->ram_end)
        attack_fsb(a->spec, x, y);
    else if (kstreq(a->kind, "hpet-route") && !arg_u32(a, 0, 10, &x) && x < 32)
        attack_route(a->spec, x);
    else if (kstreq(a->kind, "hpet-timer") && !arg_u32(a, 0, 10, &x) && x < 24)
        attack_timer(a->spec, x);
    else if (kstreq(a->kind, "hpet-legacy"))
        attack_legacy(a->spec);
    else if (kstreq(a->kind, "hpet-arm") && !arg_u32(a, 0, 10, &x) && x < 32)
        arm_periodic(a->spec, x);
    else
        return 0;
    return 1;
}
