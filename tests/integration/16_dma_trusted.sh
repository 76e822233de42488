#!/usr/bin/env bash
# A partition trusted with DMA (configs/dma.c, built in $BUILD/dma): one
# partition 'dma' whose RAM is identity mapped (host [4 KiB, 636 KiB),
# [1, 2) MiB and [64, 128) MiB; the hypervisor keeps [2, 64) MiB), given
# the PIIX3 IDE controller with dma = trusted. The boot log says it can
# reach all memory; the partition sees the IDE's bus-master BAR4 (hidden
# with dma none: scenario 11) and prog-if bit 7, sets Bus Master Enable
# and reads it back set (refused with dma none: scenario 14), then has
# the controller read block 16 of the boot CD-ROM (this ISO) by
# bus-master DMA into guest-physical 96 MiB. The CRC-32 of the 2048 bytes
# that arrived must be the ISO's own: the device wrote the host-physical
# address it was given, which is where the partition reads. Before this
# change there was no such config and the test kernel had no DMA path.
. "$(dirname "$0")/lib.sh"
scenario_begin dma_trusted

LBA=16
BUF=0x6000000
ISO=$DIR/hv.iso
"$ROOT/tools/mkiso.sh" "$ISO" "$BUILD/dma/hv.elf" "exit_with=dma" \
    "$TESTPART@dma.elf:attack=pci-ide-dma:$LBA:${BUF#0x} exit=0" >"$DIR/mkiso.out" 2>&1 || fail "mkiso failed"
boot_bochs --cpus 1 --timeout 120 "$ISO"
# What the drive holds at that block: the ISO's bytes [LBA * 2048, +2048).
WANT=$(python3 -c 'import sys, zlib
f = open(sys.argv[1], "rb"); f.seek(int(sys.argv[2]) * 2048)
print("0x%08x" % zlib.crc32(f.read(2048)))' "$ISO" "$LBA" 2>/dev/null)
[[ -n $WANT ]] || fail "cannot compute the ISO block's CRC-32"

expect_end poweroff
expect com2 "^\[hv\] config 'dma': 1 partition" "dma config"
expect com2 "^\[hv\] dma: its PCI functions may do DMA: without an IOMMU they can reach all memory" "DMA trust logged"
expect com2 '^\[hv\] pci: 00:01\.1 8086:7010 class 0101 -> dma as 00:01\.0' "IDE assigned"
expect com2 '^\[hv\] pci: 00:01\.1 BAR4 I/O \[0x[0-9a-f]+, 0x[0-9a-f]+\) -> dma' "bus-master BAR4 ports granted"
expect_not com2 'BAR4 hidden' "BAR4 not hidden"
expect com1 '^\[dma\] ide-dma: IDE 00:01\.0 8086:7010 prog-if 0x8[0-9a-f] \(bus master capable\), BAR4 0x0000[0-9a-f]{3}[13579bdf]$' "prog-if bit 7 and BAR4 visible"
expect com1 '^\[dma\] ide-dma: Command 0x[0-9a-f]{4} -> 0x[0-9a-f]{3}[4-7c-f] \(bus master on\)' "Bus Master Enable reads back set"
expect com1 "^\[dma\] ide-dma: done: .* 2048 bytes crc32 $WANT, first bytes 01 43 44 30 30 31 01 " "DMA wrote the ISO's block (\\x01CD001)"
expect com1 "^\[dma\] attack pci-ide-dma:$LBA:${BUF#0x}: survived, DMA read 2048 bytes into 0x0${BUF#0x}, crc32 $WANT$" "DMA read into guest 96 MiB, CRC $WANT"
expect_not com2 'refused' "nothing refused"
expect com2 "^\[hv\] partition 'dma' stopped: powered off through port 0xf4 \(exit code 0\)" "partition powered off"
expect_not com2 "VM entry failed|EXCEPTION" "no failed entry"
scenario_end
