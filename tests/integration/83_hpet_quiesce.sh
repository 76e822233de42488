#!/usr/bin/env bash
# A stopped partition's devices stop with it. 'rtos' legitimately arms its
# HPET comparator 0 periodic (every 1 ms, its own pin 20), leaves it
# running and powers off: the hypervisor turns the comparator off (read
# back: interrupts disabled), masks its IOAPIC pins 20 and 21 and disarms
# its CPU's LAPIC timer, and 'gpos' runs on to its end.
. "$(dirname "$0")/lib.sh"
scenario_begin hpet_quiesce
boot_partitions "heartbeat=10 beats=3 attack_after=1 attack=hpet-arm:20 exit=0" "heartbeat=40 beats=12 exit=0" "exit_with=gpos"
expect_end poweroff
expect com3 '^\[rtos\] attack hpet-arm:20: survived, no fault, T0_CONF now 0x0000[0-9a-f]{3}[4-7c-f]$' "comparator 0 armed, interrupts on"
expect com2 "^\[hv\] partition 'rtos' stopped: powered off through port 0xf4 \(exit code 0\)" "rtos powered off"
expect com2 "^\[hv\] partition 'rtos': devices quiesced \(HPET comparators 0, IOAPIC pins 20 21, PCI functions 00:03.0, LAPIC timers of its 1 CPU\(s\)\)$" "its comparator turned off (read back), pins masked, LAPIC timer disarmed"
expect com1 '^\[gpos\] heartbeat 12$' "gpos ran on"
expect com2 "^\[hv\] exit_with=gpos: ending the run with its exit code 0" "run ended by gpos"
scenario_end
