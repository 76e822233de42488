#!/usr/bin/env bash
# NMI to a CPU of another partition is refused (the real-time CPU is protected).
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_ipi_nmi
hostile gpos ipi-nmi:1 'IPI refused: NMI to APIC id 1, owned by partition .rtos.'
scenario_end
