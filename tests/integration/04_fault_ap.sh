#!/usr/bin/env bash
# An AP writes to hypervisor text (fault=ap-pf): W^X turns it into a
# protection fault; that CPU stops and the boot CPU carries on.
. "$(dirname "$0")/lib.sh"
scenario_begin fault_ap

make_iso "fault=ap-pf after_boot=poweroff"
boot_bochs --cpus 2 --timeout 120 "$ISO"

expect_end poweroff
expect com2 '^\[hv\] EXCEPTION on cpu 1: vector 14 \(#PF page fault\) error code 0x3 protection write' "write to text faults"
expect com2 '^\[hv\] cpu 1 stopped: exception in the hypervisor \(1 CPU still running\)' "cpu 1 stopped"
expect com2 '^\[hv\] cpu 0 still running: 1 of 2 CPUs online' "cpu 0 lives on"
expect com2 '^\[hv\] after_boot=poweroff' "boot CPU finished its work"
scenario_end
