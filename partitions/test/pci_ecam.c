/* The ECAM consistency check (pci_ecam.h): through the window, each
 * function must show what mechanism #1 shows (PCI Express Base 7.2.2:
 * both reach the same configuration space). */
#include "partitions/test/pci_ecam.h"

#include "partitions/common/console.h"
#include "partitions/test/pci.h"

#define MULTIFUNCTION 0x80
#define REG_COMMAND 0x04
#define REG_BAR0 0x10
#define BDF "00:%02x.%x"
#define BDF_ARGS(devfn) (devfn) >> 3, (devfn) & 7

static uint32_t ecam_window;

void pci_ecam_set(uint32_t base) { ecam_window = base; }
uint32_t pci_ecam_base(void) { return ecam_window; }

/* A dword load one byte past a dword boundary: not a configuration
 * request (it would cross a dword), so it must read all ones. */
static uint32_t misaligned_read(uint32_t devfn)
{
    uint32_t v;
    __asm__ __volatile__("movl (%1), %0" : "=r"(v) : "r"(pci_ecam_at(devfn, 1)) : "memory");
    return v;
}

/* Every dword of 0x00-0xFF; the Status half of 0x04 is left out (its
 * bits may change between the two reads by themselves). */
static uint32_t compare_header(uint32_t devfn)
{
    uint32_t bad = 0;
    for (uint32_t reg = 0; reg < 0x100; reg += 4) {
        uint32_t mask = reg == REG_COMMAND ? 0xFFFFu : 0xFFFFFFFFu;
        uint32_t e = ecam_read32(devfn, reg) & mask, c = pci_read32(devfn, reg) & mask;
        if (e != c) {
            say("ecam " BDF " register 0x%02x: ECAM 0x%08x, mechanism #1 0x%08x: MISMATCH", BDF_ARGS(devfn), reg, e, c);
            bad++;
        }
    }
    if (!bad)
        say("ecam " BDF " registers 0x00-0xff match mechanism #1", BDF_ARGS(devfn));
    return bad;
}

/* A byte and a word at odd places: the bytes of the dword they are in. */
static uint32_t check_narrow(uint32_t devfn)
{
    uint32_t id = pci_read32(devfn, 0), class_rev = pci_read32(devfn, 8);
    uint8_t b1 = ecam_read8(devfn, 0x01), b11 = ecam_read8(devfn, 0x0B);
    uint16_t w2 = ecam_read16(devfn, 0x02), w10 = ecam_read16(devfn, 0x0A);
    int ok = b1 == (uint8_t)(id >> 8) && b11 == (uint8_t)(class_rev >> 24) && w2 == (uint16_t)(id >> 16) &&
             w10 == (uint16_t)(class_rev >> 16);
    say("ecam " BDF " byte 0x01 0x%02x, byte 0x0b 0x%02x, word 0x02 0x%04x, word 0x0a 0x%04x: %s", BDF_ARGS(devfn),
        b1, b11, w2, w10, ok ? "ok" : "WRONG");
    return !ok;
}

static uint32_t check_extended(uint32_t devfn)
{
    uint32_t v = ecam_read32(devfn, 0x100);
    say("ecam " BDF " register 0x100 reads 0x%08x%s", BDF_ARGS(devfn), v, v ? ": WRONG (expected 0)" : "");
    return v != 0;
}

/* BAR sizing through ECAM, as a kernel does it: decode off, all ones,
 * read, the value back; the size must be mechanism #1's. */
static uint32_t check_bars(uint32_t devfn)
{
    uint32_t bad = 0;
    for (uint32_t i = 0; i < 6; i++) {
        uint32_t reg = REG_BAR0 + 4 * i, value = ecam_read32(devfn, reg);
        if (!value)
            continue;
        uint16_t cmd = ecam_read16(devfn, REG_COMMAND);
        ecam_write16(devfn, REG_COMMAND, (uint16_t)(cmd & ~3u));
        ecam_write32(devfn, reg, 0xFFFFFFFFu);
        uint32_t probe = ecam_read32(devfn, reg);
        ecam_write32(devfn, reg, value);
        ecam_write16(devfn, REG_COMMAND, cmd);
        uint32_t after = pci_read32(devfn, reg), conf1_probe;
        pci_write32(devfn, reg, 0xFFFFFFFFu);
        conf1_probe = pci_read32(devfn, reg);
        pci_write32(devfn, reg, value);
        int ok = probe == conf1_probe && probe != value && after == value;
        say("ecam " BDF " BAR%u 0x%08x sized through ECAM: probe 0x%08x (mechanism #1 0x%08x), restored 0x%08x: %s",
            BDF_ARGS(devfn), i, value, probe, conf1_probe, after, ok ? "ok" : "WRONG");
        bad += !ok;
    }
    return bad;
}

static uint32_t check_function(uint32_t devfn)
{
    uint32_t bad = compare_header(devfn) + check_narrow(devfn) + check_extended(devfn) +
                   check_bars(devfn);
    uint32_t m = misaligned_read(devfn);
    say("ecam " BDF " misaligned dword read at 0x01: 0x%08x%s", BDF_ARGS(devfn), m, m != 0xFFFFFFFFu ? ": WRONG" : "");
    return bad + (m != 0xFFFFFFFFu);
}

uint32_t pci_ecam_check(void)
{
    uint32_t found = 0, bad = 0;
    if (!pci_ecam_base()) {
        say("ecam: no window (no ecam= option)");
        return 1;
    }
    for (uint32_t dev = 0; dev < 32; dev++) {
        uint32_t fns = (pci_read32(PCI_DEVFN(dev, 0), 0x0C) >> 16 & MULTIFUNCTION) ? 8 : 1;
        for (uint32_t fn = 0; fn < fns; fn++) {
            uint32_t devfn = PCI_DEVFN(dev, fn), e = ecam_read32(devfn, 0), c = pci_read32(devfn, 0);
            if ((c & 0xFFFF) == 0xFFFF) {
                if (e != 0xFFFFFFFFu) {
                    say("ecam 00:%02x.%x absent through mechanism #1, reads 0x%08x through ECAM: MISMATCH", dev, fn, e);
                    bad++;
                }
                continue;
            }
            found++;
            bad += check_function(devfn);
        }
    }
    say("ecam check: %u functions, %u failures", found, bad);
    return bad;
}
