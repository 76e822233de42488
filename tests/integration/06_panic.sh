#!/usr/bin/env bash
# panic() on the boot CPU stops the other CPU with an NMI and then carries
# out on_fatal=poweroff.
. "$(dirname "$0")/lib.sh"
scenario_begin panic

make_iso "fault=panic on_fatal=poweroff"
boot_bochs --cpus 2 --timeout 120 "$ISO"

expect_end poweroff
expect com2 '^\[hv\] cpu 1 online' "cpu 1 was running"
expect com2 '^\[hv\] PANIC on cpu 0: deliberate panic \(fault=panic\)' "panic message"
expect com2 '^\[hv\] powering off \(on_fatal=poweroff\)' "fatal action"
expect com1 '^\[hv\] PANIC on cpu 0' "panic mirrored to COM1"
scenario_end
