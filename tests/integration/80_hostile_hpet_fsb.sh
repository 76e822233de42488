#!/usr/bin/env bash
# HPET FSB delivery (Tn_FSB_EN_CNF) turns a comparator's interrupt into a
# raw 32-bit memory write of any value to any physical address, which EPT
# never sees (Bochs and QEMU perform it; on a real chipset it is an
# arbitrary MSI). 'rtos' owns comparator 0 through the mediated HPET page
# and aims its FSB write at a word of its own RAM (guest 0x1F00000, host
# 160 MiB + 31 MiB), which it watches: with the page raw, the write lands
# there (and could as well land in the hypervisor or in 'gpos'). The
# hypervisor refuses the Tn_CONF write that enables FSB delivery and stops
# it, then turns its comparator off and masks its pins.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_hpet_fsb
hostile rtos hpet-fsb:0xBF00000:0x1F00000 'HPET: 32-bit write of 0x4004 to T0_CONF \(offset 0x100\) refused: it sets Tn_FSB_EN_CNF'
expect com2 "^\[hv\] partition 'rtos': devices quiesced \(HPET comparators 0, IOAPIC pins 20 21, PCI functions 00:03.0, LAPIC timers" "its devices quiesced"
expect_not com3 "the FSB write landed" "FSB write reached memory"
scenario_end
