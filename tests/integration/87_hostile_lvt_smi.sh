#!/usr/bin/env bash
# LVT writes exit and are checked (vmx/lvt_check.c): what an OS writes
# (LINT0 masked ExtINT, LINT1 NMI, perf NMI, an error vector) is taken;
# LINT0 := SMI, unmasked, would reach beyond the partition's CPU: 'rtos'
# is stopped, 'gpos' keeps its heartbeat.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_lvt_smi
hostile rtos lvt-smi 'LVT LINT0 \(MSR 0x835\) write 0x200 refused: SMI delivery'
expect com3 "^\[rtos\] attack lvt-smi: OS writes: 0 of 4 refused$" "what an OS writes is taken"
scenario_end
