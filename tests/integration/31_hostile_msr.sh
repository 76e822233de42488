#!/usr/bin/env bash
# Writes to IA32_APIC_BASE and reserved EFER bits are refused with #GP (as a real CPU reports a bad MSR write); the partition goes on.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_msr
hostile rtos msr-write:0x1B:0 ''
expect com3 '^\[rtos\] #GP caught \(refused\)' '#GP reflected'
expect com2 "refused write \(the local APIC stays in x2APIC mode\) to IA32_APIC_BASE MSR 0x1b" 'APIC_BASE write logged'
scenario_end
