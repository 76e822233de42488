#!/usr/bin/env bash
# INIT IPI to a CPU of another partition is refused; the sender is stopped.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_ipi_init
hostile rtos ipi-init:0 'IPI refused: INIT to APIC id 0, owned by partition .gpos.: target CPU not in this partition'
scenario_end
