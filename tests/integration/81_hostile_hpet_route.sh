#!/usr/bin/env bash
# Tn_INT_ROUTE_CNF lets an HPET comparator drive any IOAPIC input it can
# reach (Bochs: all 24). 'rtos' routes its comparator 0 to pin 4, COM1's
# IRQ that 'gpos' owns, and enables it: refused, stopped, its devices
# quiesced; 'gpos' runs on.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_hpet_route
hostile rtos hpet-route:4 "HPET: 32-bit write of 0x804 to T0_CONF \(offset 0x100\) refused: it routes the comparator to an IOAPIC pin that is not this partition's"
expect com2 "^\[hv\] partition 'rtos': devices quiesced \(HPET comparators 0, IOAPIC pins 20 21, PCI functions 00:03.0, LAPIC timers" "its devices quiesced"
scenario_end
