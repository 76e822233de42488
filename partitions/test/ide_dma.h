/* A real bus-master DMA transfer for the test kernel (attack=pci-ide-dma,
 * attacks_pci.c): one 2048-byte sector of the ATAPI CD-ROM on the primary
 * IDE channel (legacy ports 0x1F0-0x1F7, 0x3F6), read by the PCI IDE
 * controller's bus-master engine (its BAR4 registers) straight into
 * memory at a physical address. Polled: the drive's interrupt is
 * disabled (nIEN). Under the hypervisor this works only in a partition
 * trusted with DMA whose RAM is identity mapped (configs/dma.c): the
 * controller is given the guest-physical address and writes that
 * host-physical address. */
#ifndef TESTPART_IDE_DMA_H
#define TESTPART_IDE_DMA_H

#include <stdint.h>

#define IDE_DMA_SECTOR 2048u /* an ATAPI CD-ROM's logical block (MMC) */

struct ide_dma_result {
    uint32_t buffer;    /* where the sector was written (physical) */
    uint32_t crc32;     /* CRC-32 (IEEE 802.3, as zlib) of the 2048 bytes */
    int ok;             /* the transfer completed without error */
};

/* Finds the IDE controller (class 01:01) on bus 0, turns on its I/O decode
 * and Bus Master Enable, and reads CD-ROM block lba into buffer (0: a
 * buffer of its own), printing "ide-dma: ..." lines about each step.
 * buffer must be even and its 2048 bytes must not cross a 64 KiB
 * boundary (a PRD entry's rules). Returns 0 when the sector arrived
 * (*r filled), -1 with the reason printed otherwise. */
int ide_dma_read(uint32_t lba, uint32_t buffer, struct ide_dma_result *r);

#endif
