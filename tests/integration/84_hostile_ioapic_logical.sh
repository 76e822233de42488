#!/usr/bin/env bash
# The RTOS (APIC id 1) aims its own pin 20 at logical destination 0x01:
# with x2APIC LAPICs that is cluster 0, bit 0, i.e. APIC id 0, gpos's CPU
# (SDM Vol. 3A 10.12.10), not APIC id 1. Refused: the RTOS is stopped.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_ioapic_logical
hostile rtos ioapic-route:20:0x0100000000000841 \
    "IOAPIC: pin 20 entry 0x0100000000000841 refused: logical destination reaches a CPU of another partition \(APIC id 0, owned by partition 'gpos'\)"
scenario_end
