#!/usr/bin/env bash
# I/O to the hypervisor's console port (COM2) stops the offender.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_io_hv
hostile gpos io-in:0x2F8 'I/O read of port 0x2f8 refused: it belongs to the hypervisor'
scenario_end
