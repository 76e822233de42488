#!/usr/bin/env bash
# A user runs the conformance kernel in a partition the documented way
# (partitions/conform/README.md): `make run GPOS_KERNEL=.../conform.elf`,
# i.e. tools/run.sh. Its options reach it (skip= leaves only the CPU
# group, exit=7 powers off through port 0xF4), its CONF lines land in
# $BUILD/run/com1.log, and the runner returns its exit code.
. "$(dirname "$0")/lib.sh"
scenario_begin conformance_make_run

GPOS_KERNEL="$BUILD/partitions/conform.elf" GPOS_CMDLINE="skip=pmu,tsc,exceptions,xapic,smp,pci,realmode exit=7" \
    TIMEOUT=150 BUILD=$BUILD tools/run.sh >"$DIR/run.out" 2>&1
rc=$?
[[ $rc == 7 ]] || fail "tools/run.sh returned $rc, expected the kernel's exit code 7 (see $DIR/run.out)"
log=$BUILD/run/com1.log
expect "$log" '^\[conform\] conformance kernel up: in a partition$' "kernel up in the partition"
expect "$log" 'CONF cpuid\.1\.ecx\.hypervisor 1$' "CPU group ran"
expect "$log" 'CONF conform\.skipped realmode$' "skip= option honoured"
expect_not "$log" 'CONF (smp|pci|realmode)\.' "a skipped group ran"
expect "$log" 'CONF conform\.done ok$' "all groups done"
expect "$log" 'power off: exit code 7 to port 0xf4' "its own power-off"
expect "$DIR/run.out" "run: partition 'gpos' exit code 7" "runner reports the code"
scenario_end
