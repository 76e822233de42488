#!/usr/bin/env bash
# A broadcast reaches only the sender's own CPUs, as on a machine that
# had only those: INIT to "all excluding self" from the one-CPU 'gpos'
# reaches nobody. 'gpos' is not stopped (no foreign CPU was named) and
# 'rtos' keeps its heartbeat (an INIT reaching it would park its CPU).
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_ipi_broadcast
hostile gpos ipi-broadcast ''
expect com1 "^\[gpos\] attack ipi-broadcast: survived, no fault$" "broadcast taken without effect"
expect_not com2 "IPI refused" "nothing refused"
scenario_end
