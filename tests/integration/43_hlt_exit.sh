#!/usr/bin/env bash
# gpos has HLT exits (configs/demo.c): a kernel that halts with interrupts
# off can never wake, so the hypervisor says so and stops it; rtos has
# none (its idle HLT must cost no exit) and keeps running.
. "$(dirname "$0")/lib.sh"
scenario_begin hlt_exit

boot_partitions "heartbeat=20 beats=30 exit=0" "heartbeat=10 beats=2" "exit_with=rtos"

expect_end poweroff
expect com1 "^\[gpos\] halted" "gpos halted itself"
expect com2 "^\[hv\] partition 'gpos' stopped: halted with interrupts disabled at RIP 0x[0-9a-f]+" "HLT with IF=0 reported"
expect com2 "^\[hv\] cpu 0 exits: [0-9]+ total.*HLT 1" "the HLT exit counted"
expect com3 "^\[rtos\] heartbeat 30$" "rtos unaffected"
scenario_end
