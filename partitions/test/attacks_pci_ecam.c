/* Hostile ECAM accesses (attack=KIND, pci_ecam.h; the window from ecam=).
 *
 * pci-ecam                  not an attack: the consistency check
 *                           (pci_ecam_check), then "survived".
 * pci-ecam-refusals:DEV     on its own 00:DEV.0 through ECAM: BAR0 written
 *                           with 0x0a000001 (the rtos's RAM base), Bus
 *                           Master Enable set, extended register 0x100
 *                           written; each read back; then the device's
 *                           first I/O port read (it still answers).
 * pci-ecam-past             a dword read just past the window (bus 1,
 *                           00.0): no device page there.
 * pci-ecam-xadd             lock xadd on 00:00.0 register 0 in the window:
 *                           an instruction no device emulation takes. */
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/lib.h"
#include "partitions/test/attacks.h"
#include "partitions/test/pci_ecam.h"

#define CMD_BUS_MASTER 0x4
#define MOVED_BAR 0x0a000001u
#define EXT_VALUE 0x12345678u
#define ECAM_BUS_BYTES 0x100000u

static void refusals(const char *spec, uint32_t dev)
{
    uint32_t devfn = (uint32_t)dev << 3, bar = ecam_read32(devfn, 0x10);
    say("attack %s: through ECAM on 00:%02x.0: BAR0 (0x%08x) := 0x%08x, Bus Master Enable, register 0x100 := 0x%08x",
        spec, dev, bar, MOVED_BAR, EXT_VALUE);
    ecam_write32(devfn, 0x10, MOVED_BAR);
    uint32_t bar_now = ecam_read32(devfn, 0x10);
    ecam_write16(devfn, 0x04, (uint16_t)(ecam_read16(devfn, 0x04) | CMD_BUS_MASTER));
    uint16_t cmd = ecam_read16(devfn, 0x04);
    ecam_write32(devfn, 0x100, EXT_VALUE);
    uint32_t ext = ecam_read32(devfn, 0x100);
    uint8_t port = (bar & 1) ? inb((uint16_t)(bar & ~3u)) : 0xFF;
    say("attack %s: survived, BAR0 reads 0x%08x, Command 0x%04x (bus master %s), register 0x100 0x%08x, port 0x%x "
        "reads 0x%02x", spec, bar_now, cmd, (cmd & CMD_BUS_MASTER) ? "on" : "off", ext, bar & ~3u, port);
}

static void past_window(const char *spec)
{
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)(pci_ecam_base() + ECAM_BUS_BYTES);
    say("attack %s: dword read at 0x%08x (bus 1, just past its ECAM window)", spec, pci_ecam_base() + ECAM_BUS_BYTES);
    uint32_t v = *p;
    say("attack %s: survived, read 0x%08x", spec, v);
}

static void locked_xadd(const char *spec)
{
    uint32_t v = 1;
    say("attack %s: lock xadd on 00:00.0 register 0 at 0x%08x", spec, pci_ecam_base());
    __asm__ __volatile__("lock xaddl %0, (%1)" : "+r"(v) : "r"(pci_ecam_at(0, 0)) : "memory");
    say("attack %s: survived, xadd returned 0x%08x", spec, v);
}

int attack_pci_ecam_run(const struct attack_args *a)
{
    uint64_t dev;
    if (!kstrprefix(a->kind, "pci-ecam"))
        return 0;
    if (!pci_ecam_base()) {
        say("attack %s: survived, nothing done: no ECAM window (no ecam= option)", a->spec);
        return 1;
    }
    if (kstreq(a->kind, "pci-ecam")) {
        say("attack %s: ECAM against mechanism #1 on bus 0", a->spec);
        uint32_t bad = pci_ecam_check();
        say("attack %s: survived, %u failures", a->spec, bad);
    } else if (kstreq(a->kind, "pci-ecam-refusals") && a->nargs == 1 && !parse_u64(a->arg[0], 10, &dev) && dev < 32)
        refusals(a->spec, (uint32_t)dev);
    else if (kstreq(a->kind, "pci-ecam-past"))
        past_window(a->spec);
    else if (kstreq(a->kind, "pci-ecam-xadd"))
        locked_xadd(a->spec);
    else
        return 0;
    return 1;
}
