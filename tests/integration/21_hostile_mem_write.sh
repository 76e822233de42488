#!/usr/bin/env bash
# Writing another partition's RAM: EPT violation, writer stopped, other partition unharmed.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_mem_write
hostile rtos write:0x8000000 'EPT violation: write at GPA 0x8000000'
scenario_end
