#!/usr/bin/env bash
# Deliberate page fault in the hypervisor (fault=pf): the harness expects
# the exception dump, not a clean boot — an expected failure.
. "$(dirname "$0")/lib.sh"
scenario_begin fault_pf

make_iso "fault=pf"
boot_bochs --cpus 2 --timeout 120 --until 'cpu 0 stopped' "$ISO"

expect_end until
expect com2 '^\[hv\] fault=pf: reading unmapped address 0x10' "fault announced"
expect com2 '^\[hv\] EXCEPTION on cpu 0: vector 14 \(#PF page fault\) error code 0x0 not-present read' "#PF dump header"
expect com2 '^\[hv\]   RIP 0008:0000000000[0-9a-f]{6}  RFLAGS' "RIP inside the hypervisor"
expect com2 '^\[hv\]   CR2 0000000000000010  CR3' "CR2 = faulting address"
expect com2 '^\[hv\]   RAX [0-9a-f]{16}  RBX' "registers"
expect com2 '^\[hv\] cpu 0 stopped: exception in the hypervisor \(1 CPU still running\)' "only cpu 0 stopped"
note "expected failure seen: #PF dump"
scenario_end
