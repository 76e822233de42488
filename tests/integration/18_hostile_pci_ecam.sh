#!/usr/bin/env bash
# Hostile ECAM accesses (hv/pci_ecam.c, vmx/exit_ept.c), one boot:
#  - gpos, through its window, on its own NE2000 (00:02.0): writes BAR0
#    with 0x0a000001 (the rtos's RAM base), sets Bus Master Enable (its
#    config says dma none) and writes extended register 0x100. Each is
#    refused and logged as through mechanism #1 (scenarios 12, 14) or as
#    an extended-space write; BAR0 still reads 0xc041, bus mastering stays
#    off, 0x100 reads 0, and the card still answers at its ports. gpos
#    then beats 12 times and powers off (the run's end).
#  - rtos reads the dword just past its window (bus 1, 0xb0100000): a hole
#    of its memory map, so it is stopped with the EPT violation logged,
#    while gpos runs on.
# Before ECAM the window itself was a hole: gpos's first ECAM write
# stopped it (EPT violation at 0xb0000010), no refusal was logged, and the
# run did not end with gpos's power-off.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_pci_ecam

ECAM=0xb0000000
boot_partitions "heartbeat=10 attack_after=1 attack=pci-ecam-past ecam=$ECAM" \
    "heartbeat=40 beats=12 attack_after=1 attack=pci-ecam-refusals:2 ecam=$ECAM exit=0" "exit_with=gpos"
expect_end poweroff
expect com2 "^\[hv\] partition 'gpos': PCI 00:02\.0: BAR0 write 0xa000001 refused: BARs stay where the firmware put them \(0xc041\)" "BAR move through ECAM refused, logged"
expect com2 "^\[hv\] partition 'gpos': PCI 00:02\.0: Bus Master Enable refused: its config does not allow DMA \(dma none\)" "bus mastering through ECAM refused, logged"
expect com2 "^\[hv\] partition 'gpos': PCI 00:02\.0 extended register 0x100 write 0x12345678 refused" "extended-space write refused, logged"
expect com1 "^\[gpos\] attack pci-ecam-refusals:2: survived, BAR0 reads 0x0000c041, Command 0x[0-9a-f]{4} \(bus master off\), register 0x100 0x00000000, port 0xc040 reads 0x([0-9a-e][0-9a-f]|f[0-9a-e])$" "BAR0 unchanged, no bus mastering, 0x100 reads 0, the NE2000 still answers"
expect com2 "^\[hv\] partition 'rtos' stopped: EPT violation: read at GPA 0xb0100000" "rtos stopped for its access past the window"
expect_not com3 "attack pci-ecam-past: survived" "the access past the window did not return"
expect com1 '^\[gpos\] heartbeat 12$' "gpos kept its heartbeat"
expect com2 "^\[hv\] exit_with=gpos: ending the run with its exit code 0" "run ended by gpos"
scenario_end
