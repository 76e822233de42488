#!/usr/bin/env bash
# A fault in the hypervisor while it serves a partition's exit stops that
# partition cleanly — logged, its CPU parked, exit_with honoured — and
# the other partition runs on. fault=exit-pf makes the hypervisor read
# unmapped page 0 while it emulates gpos's first access to a port nobody
# owns (0x80). Before, the CPU halted in the hypervisor ("cpu 0 stopped:
# exception in the hypervisor") and the partition was never stopped.
. "$(dirname "$0")/lib.sh"
scenario_begin root_fault_stops_partition

boot_partitions "heartbeat=40 beats=12 exit=0" "heartbeat=10 attack_after=1 attack=io-in:80" \
    "fault=exit-pf exit_with=rtos"
expect_end poweroff
expect com1 '^\[gpos\] attack io-in:80: inb from port 0x80' "gpos touched the port"
expect com2 '^\[hv\] EXCEPTION on cpu 0: vector 14' "the fault was reported"
expect com2 "^\[hv\] partition 'gpos' stopped: hypervisor fault while serving its VM exit 30: vector 14" \
    "gpos stopped, not the CPU"
expect_not com2 'cpu 0 stopped: exception in the hypervisor' "the CPU did not halt in the hypervisor"
expect com3 '^\[rtos\] heartbeat 12$' "rtos kept its heartbeat"
expect com2 '^\[hv\] exit_with=rtos: ending the run with its exit code 0' "run ended by rtos"
scenario_end
