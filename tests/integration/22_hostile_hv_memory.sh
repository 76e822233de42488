#!/usr/bin/env bash
# The hypervisor's memory has no guest-physical address in a partition: a write at the hypervisor's host address lands in the partition's own RAM, and the hypervisor carries on (it still ends the run when the victim powers off).
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_hv_memory
hostile gpos write:0x200000 ''
expect com1 '^\[gpos\] attack write:0x200000: survived, no fault, reads back 0xdeadbeef' 'write went to its own RAM'
scenario_end
