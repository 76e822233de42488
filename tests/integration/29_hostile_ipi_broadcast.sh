#!/usr/bin/env bash
# A broadcast INIT would reach the other partition's CPU: refused.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_ipi_broadcast
hostile rtos ipi-broadcast 'IPI refused: INIT .*broadcast reaches CPUs of other partitions'
scenario_end
