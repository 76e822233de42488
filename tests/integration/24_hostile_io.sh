#!/usr/bin/env bash
# I/O to a port owned by another partition (COM1 of gpos) stops the offender.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_io
hostile rtos io-out:0x3F8 'I/O write of port 0x3f8 refused: it belongs to partition .gpos.'
scenario_end
