#!/usr/bin/env bash
# MMIO not given to a partition: the local APIC page (x2APIC is used through MSRs) and the HPET, which belongs to rtos, fault for gpos.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_mmio
hostile gpos read:0xFED000F0 'EPT violation: read at GPA 0xfed000f0'
scenario_end
