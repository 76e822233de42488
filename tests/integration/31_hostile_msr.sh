#!/usr/bin/env bash
# An illegal IA32_APIC_BASE transition (x2APIC straight to xAPIC, SDM Vol.
# 3A 11.12.5) is refused with #GP, as a real CPU reports it; the partition
# goes on. (Legal transitions, disable included: scenario 45.)
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_msr
hostile rtos msr-write:0x1B:0xFEE00800 ''
expect com3 '^\[rtos\] #GP caught \(refused\)' '#GP reflected'
expect com2 "refused write \(x2APIC to xAPIC mode directly\) to IA32_APIC_BASE MSR 0x1b" 'APIC_BASE write logged'
scenario_end
