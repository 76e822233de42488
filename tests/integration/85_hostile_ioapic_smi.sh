#!/usr/bin/env bash
# The RTOS programs its own pin 20, aimed at its own CPU, with delivery
# mode SMI (an SMI makes firmware gather every CPU, gpos's too). Refused:
# the RTOS is stopped. NMI, INIT, ExtINT and the reserved modes are
# covered by the unit test ioapic_check.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_ioapic_smi
hostile rtos ioapic-route:20:0x0100000000000241 \
    "IOAPIC: pin 20 entry 0x0100000000000241 refused: delivery mode SMI is not allowed"
scenario_end
