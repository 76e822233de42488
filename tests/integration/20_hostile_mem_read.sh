#!/usr/bin/env bash
# Reading another partition's RAM (its host address, outside this partition's guest-physical space) is an EPT violation: the reader is stopped, the other partition keeps running.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_mem_read
hostile rtos read:0x8000000 'EPT violation: read at GPA 0x8000000 .*not memory of this partition'
scenario_end
