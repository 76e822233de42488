#!/usr/bin/env bash
# SIPI to a CPU of another partition is refused.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_ipi_sipi
hostile rtos ipi-sipi:0 'IPI refused: SIPI to APIC id 0, owned by partition .gpos.'
scenario_end
