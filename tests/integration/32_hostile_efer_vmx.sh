#!/usr/bin/env bash
# EFER bit 12 (SVME on AMD, reserved on Intel) and the VMX capability MSRs are refused with #GP: VMX is hidden from partitions.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_efer_vmx
hostile gpos msr-write:0xC0000080:0x1000 ''
expect com2 'refused write of reserved bits to EFER MSR 0xc0000080' 'EFER write logged'
scenario_end
