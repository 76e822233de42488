#!/usr/bin/env bash
# The scenario runner: `make run GPOS_KERNEL=FILE GPOS_CMDLINE=... GPOS_MODULES=...
# TIMEOUT=...` boots any multiboot kernel as partition 'gpos', headless,
# and reports its exit code (make itself can only say 0 or 2; tools/run.sh,
# which make calls, returns the code itself); its COM1 output lands in
# build/run/com1.log.
. "$(dirname "$0")/lib.sh"
scenario_begin make_run_gpos

make --no-print-directory run GPOS_KERNEL="$TESTPART" GPOS_CMDLINE="heartbeat=20 beats=3 exit=5" \
    GPOS_MODULES="$BUILD/modules/selftest.bin" TIMEOUT=150 >"$DIR/make-run.out" 2>&1
rc=$?
[[ $rc == 2 ]] || fail "make run returned $rc, expected failure (2) for exit code 5 (see $DIR/make-run.out)"
expect "$BUILD/run/com1.log" '^\[gpos\] heartbeat 3$' "gpos console captured in build/run/com1.log"
expect "$BUILD/run/com2.log" "^\[hv\] partition 'gpos': 'gpos.elf' loaded, .*heartbeat=20 beats=3 exit=5', 1 module\(s\)" "command line and module passed"
expect "$DIR/make-run.out" "run: partition 'gpos' exit code 5" "runner reports the code"

GPOS_KERNEL="$TESTPART" GPOS_CMDLINE="beats=1 heartbeat=10 exit=bochs" TIMEOUT=150 tools/run.sh >"$DIR/run0.out" 2>&1
rc=$?
[[ $rc == 0 ]] || fail "tools/run.sh returned $rc for a power-off through port 0x8900 (code 0)"
GPOS_KERNEL="$TESTPART" GPOS_CMDLINE="attack=triple-fault" TIMEOUT=150 tools/run.sh >"$DIR/run-fault.out" 2>&1
rc=$?
[[ $rc == 255 ]] || fail "tools/run.sh returned $rc for a partition stopped by a fault, expected 255"
scenario_end
