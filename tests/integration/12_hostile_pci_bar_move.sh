#!/usr/bin/env bash
# gpos writes BAR0 of its own NE2000 (00:02.0) with 0x0a000001: an I/O
# BAR cannot reach RAM, but that is the rtos's RAM base (160 MiB), as a
# memory BAR moved there would claim its cycles. The hypervisor refuses
# the write (nothing reaches the device), logs it, and gpos reads BAR0
# back where the firmware put it (0xc041); the rtos beats on. Before
# this change the partition had no PCI function to write to.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_pci_bar_move
hostile gpos pci-bar-move:2:0x0a000001 ''
expect com2 "^\[hv\] partition 'gpos': PCI 00:02\.0: BAR0 write 0xa000001 refused: BARs stay where the firmware put them \(0xc041\)" "refusal logged"
expect com1 '^\[gpos\] attack pci-bar-move:2:0x0a000001: survived, BAR0 reads 0x0000c041' "BAR0 unchanged"
scenario_end
