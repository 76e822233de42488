#!/usr/bin/env bash
# A hypervisor panic while partitions run: the fatal messages go to the
# hypervisor's log (COM2) only, never into COM1, which partition 'gpos'
# owns (before partitions start, they are mirrored there: 06_panic).
. "$(dirname "$0")/lib.sh"
scenario_begin panic_com1_owned

boot_partitions "heartbeat=10" "heartbeat=10" "fault=panic-running on_fatal=poweroff" --timeout 120
expect_end poweroff
expect com2 "console: COM1 belongs to partition 'gpos'" "the console noted who owns COM1"
expect com2 '^\[hv\] PANIC on cpu 0: deliberate panic with partitions running' "panic message on the hypervisor's log"
expect com2 '^\[hv\] powering off \(on_fatal=poweroff\)' "fatal action"
expect com3 "^\[rtos\] test kernel up" "rtos was running"
expect_not com1 '\[hv\]' "no hypervisor text in the partition's UART"
scenario_end
