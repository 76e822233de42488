#!/usr/bin/env bash
# Programming the IOAPIC pin of another partition (COM1's IRQ 4, gpos's) is refused.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_ioapic
hostile rtos ioapic:4 'IOAPIC: write of 0xf0 to the redirection entry of pin 4 refused: not its pin'
scenario_end
