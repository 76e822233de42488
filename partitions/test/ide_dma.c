/* One ATAPI READ(10) by bus-master DMA (ide_dma.h). References: PCI IDE
 * Controller Specification 1.0 (legacy "compatibility" ports, prog-if);
 * Programming Interface for Bus Master IDE Controller 1.0 (SFF-8038i:
 * the BAR4 registers and the PRD table); ATA/ATAPI-5 8.21 (PACKET, with
 * Features bit 0 = DMA) and 9.10 (the PACKET DMA protocol); MMC READ(10).
 * The order is the one Linux's libata uses for ATAPI DMA: PRD table and
 * direction first, then PACKET and the command packet, then Start. */
#include "partitions/test/ide_dma.h"

#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/lib.h"
#include "partitions/test/pci.h"
#include "partitions/test/tsc.h"

#define IDE_CLASS 0x0101           /* mass storage, IDE */
#define PROGIF_BUS_MASTER 0x80     /* prog-if bit 7: bus-master capable */
#define REG_BAR4 0x20
#define CMD_IO 0x0001
#define CMD_BUS_MASTER 0x0004

/* The primary channel's legacy ports and its master drive (ata0-master:
 * the boot CD-ROM under Bochs). */
#define ATA_DATA 0x1F0
#define ATA_FEATURES 0x1F1
#define ATA_ERROR 0x1F1
#define ATA_BYTES_LO 0x1F4
#define ATA_BYTES_HI 0x1F5
#define ATA_DEVICE 0x1F6
#define ATA_STATUS 0x1F7
#define ATA_COMMAND 0x1F7
#define ATA_CONTROL 0x3F6          /* write: device control; read: alternate status */
#define DEVICE_MASTER 0xA0
#define CONTROL_NIEN 0x02          /* the drive does not raise INTRQ */
#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_BSY 0x80
#define CMD_PACKET 0xA0
#define FEATURE_DMA 0x01
#define SCSI_READ10 0x28

/* Bus-master registers of the primary channel, from BAR4 (SFF-8038i 2). */
#define BM_COMMAND 0
#define BM_STATUS 2
#define BM_PRD 4
#define BM_START 0x01
#define BM_TO_MEMORY 0x08          /* the engine writes memory (a read from the drive) */
#define BM_ACTIVE 0x01
#define BM_ERROR 0x02              /* write 1 to clear */
#define BM_INTERRUPT 0x04          /* write 1 to clear */
#define PRD_EOT 0x80000000u        /* last entry of the table */

#define TIMEOUT_MS 2000
#define ATTEMPTS 2                 /* a pending UNIT ATTENTION fails the first */

/* A PRD table of one entry: 8-byte aligned, so it never crosses a 64 KiB
 * boundary (SFF-8038i 1.2). The default buffer: page aligned. */
static uint32_t prd[2] __attribute__((aligned(8)));
static uint8_t own_buffer[IDE_DMA_SECTOR] __attribute__((aligned(4096)));

static uint32_t crc32_ieee(const uint8_t *p, uint32_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* The first IDE controller on bus 0, or -1. */
static int find_ide(uint32_t *devfn)
{
    for (uint32_t d = 0; d < 32 * 8; d++) {
        uint32_t id = pci_read32(d, 0);
        if ((id & 0xFFFF) != 0xFFFF && pci_read32(d, 0x08) >> 16 == IDE_CLASS) {
            *devfn = d;
            return 0;
        }
    }
    return -1;
}

/* Waits until (status & mask) == want; returns the last status, with
 * ST_BSY set on a timeout. Status is read through the alternate status
 * register, which does not clear a pending interrupt. */
static uint8_t wait_status(uint8_t mask, uint8_t want)
{
    uint64_t deadline = rdtsc() + tsc_ticks_ms(TIMEOUT_MS);
    uint8_t st;
    while (((st = inb(ATA_CONTROL)) & mask) != want)
        if (expired_tsc(deadline))
            return (uint8_t)(st | ST_BSY);
    return st;
}

/* Finds the controller, checks that its bus-master registers are there,
 * turns on decode and Bus Master Enable. Returns the BM base, or 0. */
static uint16_t enable_bus_master(void)
{
    uint32_t devfn;
    if (find_ide(&devfn)) {
        say("ide-dma: no IDE controller (class 01:01) on bus 0");
        return 0;
    }
    uint32_t id = pci_read32(devfn, 0), progif = pci_read32(devfn, 0x08) >> 8 & 0xFF;
    uint32_t bar4 = pci_read32(devfn, REG_BAR4);
    say("ide-dma: IDE 00:%02x.%x %04x:%04x prog-if 0x%02x (bus master %s), BAR4 0x%08x", devfn >> 3, devfn & 7,
        id & 0xFFFF, id >> 16, progif, (progif & PROGIF_BUS_MASTER) ? "capable" : "not offered", bar4);
    if (!(bar4 & 1) || !(bar4 & 0xFFFC) || !(progif & PROGIF_BUS_MASTER)) {
        say("ide-dma: no bus-master registers: BAR4 hidden or not an I/O BAR");
        return 0;
    }
    uint16_t cmd = pci_read16(devfn, 0x04);
    pci_write16(devfn, 0x04, (uint16_t)(cmd | CMD_IO | CMD_BUS_MASTER));
    uint16_t now = pci_read16(devfn, 0x04);
    say("ide-dma: Command 0x%04x -> 0x%04x (bus master %s)", cmd, now, (now & CMD_BUS_MASTER) ? "on" : "off");
    return (now & CMD_BUS_MASTER) ? (uint16_t)(bar4 & 0xFFFC) : 0;
}

/* Selects the master, masks its interrupt, and sends PACKET (DMA) and the
 * READ(10) command packet. Returns 0, or -1 with the reason printed. */
static int send_read10(uint32_t lba)
{
    outb(ATA_DEVICE, DEVICE_MASTER);
    uint8_t st = wait_status(ST_BSY | ST_DRQ, 0);
    if (st & ST_BSY) {
        say("ide-dma: primary master busy (status 0x%02x)", st);
        return -1;
    }
    outb(ATA_CONTROL, CONTROL_NIEN);
    outb(ATA_FEATURES, FEATURE_DMA);
    outb(ATA_BYTES_LO, IDE_DMA_SECTOR & 0xFF);
    outb(ATA_BYTES_HI, IDE_DMA_SECTOR >> 8);
    outb(ATA_COMMAND, CMD_PACKET);
    st = wait_status(ST_BSY | ST_DRQ, ST_DRQ);
    if (st & (ST_BSY | ST_ERR)) {
        say("ide-dma: PACKET not accepted (status 0x%02x, error 0x%02x)", st, inb(ATA_ERROR));
        return -1;
    }
    const uint8_t pkt[12] = {SCSI_READ10, 0, (uint8_t)(lba >> 24), (uint8_t)(lba >> 16), (uint8_t)(lba >> 8),
                             (uint8_t)lba, 0, 0, 1 /* one block */, 0, 0, 0};
    for (int i = 0; i < 12; i += 2)
        outw(ATA_DATA, (uint16_t)(pkt[i] | pkt[i + 1] << 8));
    return 0;
}

/* One attempt: returns the drive's final status (ST_BSY on a timeout). */
static uint8_t transfer(uint16_t bm, uint32_t lba, uint32_t buffer, uint8_t *bm_status)
{
    outb((uint16_t)(bm + BM_COMMAND), 0);
    outb((uint16_t)(bm + BM_STATUS), BM_ERROR | BM_INTERRUPT);
    prd[0] = buffer;
    prd[1] = PRD_EOT | IDE_DMA_SECTOR;
    outl((uint16_t)(bm + BM_PRD), (uint32_t)(uintptr_t)prd);
    outb((uint16_t)(bm + BM_COMMAND), BM_TO_MEMORY);
    if (send_read10(lba)) {
        *bm_status = inb((uint16_t)(bm + BM_STATUS));
        return ST_ERR;
    }
    outb((uint16_t)(bm + BM_COMMAND), BM_TO_MEMORY | BM_START);
    /* Done when the engine clears Active after the EOT entry (SFF-8038i
     * 2.1), on an engine error, or when the drive ends the command with
     * an error. Not the Interrupt bit: it follows INTRQ, which nIEN
     * keeps low. */
    uint64_t deadline = rdtsc() + tsc_ticks_ms(TIMEOUT_MS);
    for (;;) {
        uint8_t bms = inb((uint16_t)(bm + BM_STATUS)), ast = inb(ATA_CONTROL);
        if (!(bms & BM_ACTIVE) || (bms & BM_ERROR) || (!(ast & ST_BSY) && (ast & ST_ERR)) || expired_tsc(deadline))
            break;
        cpu_relax();
    }
    uint8_t st = wait_status(ST_BSY, 0);
    *bm_status = inb((uint16_t)(bm + BM_STATUS)); /* before Stop, which may clear Active */
    outb((uint16_t)(bm + BM_COMMAND), 0);
    outb((uint16_t)(bm + BM_STATUS), BM_ERROR | BM_INTERRUPT);
    (void)inb(ATA_STATUS); /* acknowledges the drive's (masked) interrupt */
    return st;
}

int ide_dma_read(uint32_t lba, uint32_t buffer, struct ide_dma_result *r)
{
    if (!buffer)
        buffer = (uint32_t)(uintptr_t)own_buffer;
    if ((buffer & 1) || (buffer >> 16) != ((buffer + IDE_DMA_SECTOR - 1) >> 16)) {
        say("ide-dma: buffer 0x%08x is odd or crosses a 64 KiB boundary", buffer);
        return -1;
    }
    uint16_t bm = enable_bus_master();
    if (!bm)
        return -1;
    uint8_t *p = (uint8_t *)(uintptr_t)buffer;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        memset(p, 0xA5, IDE_DMA_SECTOR); /* what is there unless the engine writes */
        say("ide-dma: ATAPI READ(10) of block %u (primary master) into 0x%08x by bus-master DMA (BM registers 0x%04x)",
            lba, buffer, bm);
        uint8_t bm_status = 0, st = transfer(bm, lba, buffer, &bm_status);
        int ok = !(st & (ST_BSY | ST_ERR)) && !(bm_status & (BM_ERROR | BM_ACTIVE));
        *r = (struct ide_dma_result){buffer, crc32_ieee(p, IDE_DMA_SECTOR), ok};
        say("ide-dma: %s: BM status 0x%02x, drive status 0x%02x error 0x%02x, %u bytes crc32 0x%08x, first bytes "
            "%02x %02x %02x %02x %02x %02x %02x %02x",
            ok ? "done" : "FAILED", bm_status, st, inb(ATA_ERROR), IDE_DMA_SECTOR, r->crc32, p[0], p[1], p[2], p[3],
            p[4], p[5], p[6], p[7]);
        if (ok)
            return 0;
    }
    return -1;
}
