#!/usr/bin/env bash
# Both partitions of the demo config run side by side, each printing on
# its own UART with no exit; the rtos powers itself off through ACPI
# (only it stops), the gpos runs on and ends the run with its exit code.
. "$(dirname "$0")/lib.sh"
scenario_begin partitions

boot_partitions "heartbeat=20 beats=5 stats exit=acpi" \
    "heartbeat=30 beats=10 stats exit=3" "exit_with=gpos"

expect_end poweroff
expect com2 "^\[hv\] partition 'rtos': 'rtos.elf' loaded, entry 0x[0-9a-f]+ \(32-bit protected mode\), command line 'console=com3 heartbeat=20" "rtos loaded with config + module args"
expect com2 "^\[hv\] cpu 1: entering partition 'rtos'" "rtos on CPU 1"
expect com2 "^\[hv\] cpu 0: entering partition 'gpos'" "gpos on CPU 0"
expect com3 "^\[rtos\] test kernel up: cpu APIC id 1, RAM 32384 KiB \(mmap: 2 usable entries\), tsc [0-9]+ Hz" "rtos sees its CPU and only its RAM"
expect_within "$(first_match com3 '^\[rtos\] test kernel up: .* tsc ([0-9]+) Hz.*')" 50000000 1 "TSC rate the partition is told"
expect com1 "^\[gpos\] test kernel up: cpu APIC id 0, RAM 261760 KiB" "gpos sees only its RAM"
expect com3 "^\[rtos\] x2APIC: id 1 from MSR 0x802" "rtos reads its own x2APIC id without help"
expect com3 "^\[rtos\] heartbeat 5$" "rtos heartbeats"
expect com1 "^\[gpos\] heartbeat 10$" "gpos heartbeats"
expect com3 "^\[rtos\] exit reason 18: " "rtos exit statistics (VMCALL)"
expect com1 "^\[gpos\] exits total [0-9]+" "gpos exit statistics"
expect com2 "^\[hv\] partition 'rtos' stopped: powered off through ACPI PM1a_CNT" "rtos ACPI power-off stops only rtos"
expect com2 "^\[hv\] cpu 1 exits: [0-9]+ total, CPUID [0-9]+, VMCALL [0-9]+" "hypervisor prints rtos's exit statistics"
expect com2 "^\[hv\] partition 'gpos' stopped: powered off through port 0xf4 \(exit code 3\)" "gpos power-off with its code"
expect com2 "^\[hv\] exit_with=gpos: ending the run with its exit code 3" "run ends with gpos's code"
expect_not com2 "EXCEPTION|PANIC|VM entry failed" "no hypervisor fault"
rtos_off=$(line_of com2 "partition 'rtos' stopped")
gpos_off=$(line_of com2 "partition 'gpos' stopped")
[[ -n $rtos_off && -n $gpos_off && $rtos_off -lt $gpos_off ]] || fail "gpos did not outlive rtos"
scenario_end
