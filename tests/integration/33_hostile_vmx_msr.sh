#!/usr/bin/env bash
# Reading a VMX capability MSR gives #GP, as on a CPU without VMX.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_vmx_msr
hostile rtos msr-read:0x480 ''
expect com3 '^\[rtos\] attack msr-read:0x480: survived, #GP \(refused\)' 'VMX MSR read refused'
expect com2 'refused read of VMX MSR 0x480' 'VMX MSR read logged'
scenario_end
