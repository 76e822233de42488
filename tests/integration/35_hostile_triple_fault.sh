#!/usr/bin/env bash
# A triple fault stops only the faulting partition.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_triple_fault
hostile rtos triple-fault 'triple fault at RIP 0x[0-9a-f]+'
scenario_end
