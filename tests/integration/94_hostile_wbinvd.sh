#!/usr/bin/env bash
# WBINVD from a partition would write back and invalidate the caches it
# shares with the other partition (Intel SDM Vol. 2B, WBINVD): gpos runs
# it 1000 times. Each one is trapped (WBINVD exiting) and ignored: gpos
# survives, its exit statistics count all 1000 as WBINVD exits, the
# hypervisor logs the first one only, and the RTOS beats on. Before
# WBINVD exiting, the instructions ran natively: 0 trapped, no log line.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_wbinvd
hostile gpos wbinvd ''
expect com1 "^\[gpos\] attack wbinvd: survived, 1000 WBINVD executed, 1000 trapped$" "all 1000 WBINVDs trapped"
expect com2 "^\[hv\] partition 'gpos': WBINVD at RIP 0x[0-9a-f]+ ignored" "the hypervisor logged the first one"
n=$(text_of "$(log_file com2)" | grep -c "WBINVD at RIP")
[[ $n == 1 ]] || fail "WBINVD logged $n times, expected once"
scenario_end
