#!/usr/bin/env bash
# gpos writes the Command register (I/O, memory, bus master) of 00:03.0,
# where the machine has the rtos's pseudo-NIC and gpos has nothing. The
# hypervisor refuses and logs it; the function reads all ones (absent)
# to gpos, and the rtos beats on. Before this change configuration
# writes were dropped without a word (an empty bus).
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_pci_foreign_fn
hostile gpos pci-foreign:3:0 ''
expect com2 "^\[hv\] partition 'gpos': PCI 00:03\.0 register 0x4 write 0x7 refused: not one of its functions" "refusal logged"
expect com1 '^\[gpos\] attack pci-foreign:3:0: survived, its ID reads 0xffffffff' "the function is absent to gpos"
scenario_end
