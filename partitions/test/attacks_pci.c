/* PCI configuration attacks (attack=KIND, see attacks.h), and the
 * read-only scan. Addresses are the partition's own view of bus 0.
 *
 * pci-scan                 prints every function it sees (pci.c), then
 *                          "survived" (nothing hostile: a probe).
 * pci-bar-move:DEV:VALUE   writes VALUE (hex) to BAR0 of its 00:DEV.0 (a
 *                          function it owns), e.g. over another
 *                          partition's RAM, and reads it back.
 * pci-foreign:DEV:FN       writes Command = I/O | memory | bus master to
 *                          00:DEV.FN, a function it was not given, and
 *                          reads its ID back.
 * pci-bus-master:DEV:FN    sets Bus Master Enable on its own 00:DEV.FN and
 *                          reads the Command register back.
 * pci-ide-dma:LBA[:ADDR]   not an attack: the legitimate use of bus
 *                          mastering in a partition trusted with DMA. Its
 *                          IDE controller reads CD-ROM block LBA into ADDR
 *                          (hex; default a buffer of its own) by DMA
 *                          (ide_dma.c), and the CRC-32 of what arrived is
 *                          printed.
 * pci-ecam*                the same space through its ECAM window
 *                          (attacks_pci_ecam.c). */
#include "partitions/common/console.h"
#include "partitions/common/lib.h"
#include "partitions/test/attacks.h"
#include "partitions/test/ide_dma.h"
#include "partitions/test/pci.h"
#include "partitions/test/pci_ecam.h"

#define CMD_IO 0x1
#define CMD_MEMORY 0x2
#define CMD_BUS_MASTER 0x4

static int arg(const struct attack_args *a, int i, unsigned base, uint32_t max, uint32_t *v)
{
    uint64_t x;
    if (i >= a->nargs || parse_u64(a->arg[i], base, &x) || x > max)
        return -1;
    *v = (uint32_t)x;
    return 0;
}

static void bar_move(const char *spec, uint32_t dev, uint32_t value)
{
    uint32_t devfn = PCI_DEVFN(dev, 0), before = pci_read32(devfn, 0x10);
    say("attack %s: BAR0 of 00:%02x.0 (0x%08x) written with 0x%08x", spec, dev, before, value);
    pci_write32(devfn, 0x10, value);
    say("attack %s: survived, BAR0 reads 0x%08x", spec, pci_read32(devfn, 0x10));
}

static void foreign(const char *spec, uint32_t dev, uint32_t fn)
{
    uint32_t devfn = PCI_DEVFN(dev, fn);
    say("attack %s: Command of 00:%02x.%x (not its own) written with 0x%x", spec, dev, fn,
        CMD_IO | CMD_MEMORY | CMD_BUS_MASTER);
    pci_write16(devfn, 0x04, CMD_IO | CMD_MEMORY | CMD_BUS_MASTER);
    say("attack %s: survived, its ID reads 0x%08x", spec, pci_read32(devfn, 0));
}

static void bus_master(const char *spec, uint32_t dev, uint32_t fn)
{
    uint32_t devfn = PCI_DEVFN(dev, fn);
    uint16_t cmd = pci_read16(devfn, 0x04);
    say("attack %s: Command of 00:%02x.%x 0x%04x |= Bus Master Enable", spec, dev, fn, cmd);
    pci_write16(devfn, 0x04, (uint16_t)(cmd | CMD_BUS_MASTER));
    uint16_t now = pci_read16(devfn, 0x04);
    say("attack %s: survived, Command reads 0x%04x (bus master %s)", spec, now,
        (now & CMD_BUS_MASTER) ? "on" : "off");
}

static void ide_dma(const char *spec, uint32_t lba, uint32_t buffer)
{
    struct ide_dma_result r;
    say("attack %s: a bus-master DMA read of CD-ROM block %u (not hostile: its config trusts it with DMA)", spec, lba);
    if (ide_dma_read(lba, buffer, &r) == 0)
        say("attack %s: survived, DMA read %u bytes into 0x%08x, crc32 0x%08x", spec, IDE_DMA_SECTOR, r.buffer,
            r.crc32);
    else
        say("attack %s: survived, DMA read FAILED", spec);
}

int attack_pci_run(const struct attack_args *a)
{
    uint32_t x, y;
    if (kstreq(a->kind, "pci-scan")) {
        say("attack %s: a read-only scan of bus 0", a->spec);
        uint32_t n = pci_scan_print();
        say("attack %s: survived, %u functions", a->spec, n);
    } else if (kstreq(a->kind, "pci-bar-move") && !arg(a, 0, 10, 31, &x) && !arg(a, 1, 16, 0xFFFFFFFFu, &y))
        bar_move(a->spec, x, y);
    else if (kstreq(a->kind, "pci-foreign") && !arg(a, 0, 10, 31, &x) && !arg(a, 1, 10, 7, &y))
        foreign(a->spec, x, y);
    else if (kstreq(a->kind, "pci-bus-master") && !arg(a, 0, 10, 31, &x) && !arg(a, 1, 10, 7, &y))
        bus_master(a->spec, x, y);
    else if (kstreq(a->kind, "pci-ide-dma") && !arg(a, 0, 10, 0xFFFFFFFFu, &x) &&
             (a->nargs < 2 || !arg(a, 1, 16, 0xFFFFFFFFu, &y)))
        ide_dma(a->spec, x, a->nargs < 2 ? 0 : y);
    else
        return attack_pci_ecam_run(a);
    return 1;
}
