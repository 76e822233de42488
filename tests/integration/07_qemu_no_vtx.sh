#!/usr/bin/env bash
# QEMU TCG has no VMX: `qemu-system-x86_64 -kernel build/hv.elf -nographic`
# must print the no-VT-x line and exit by itself (ACPI power-off). With an
# isa-debug-exit device the exit status carries the reason (2 -> 5).
. "$(dirname "$0")/lib.sh"
scenario_begin qemu_no_vtx

timeout 60 qemu-system-x86_64 -kernel "$BUILD/hv.elf" -nographic </dev/null >"$DIR/nographic.log" 2>&1
rc=$?
[[ $rc == 0 ]] || fail "plain QEMU run exit status $rc (124 = did not exit by itself)"
expect "$DIR/nographic.log" '\[hv\] VT-x not available: this CPU has no VMX' "no-VT-x line on the console"

timeout 60 qemu-system-x86_64 -kernel "$BUILD/hv.elf" -append "debugcon" -display none -smp 2 \
    -serial "file:$DIR/com1.log" -serial "file:$DIR/com2.log" \
    -device isa-debug-exit,iobase=0xf4,iosize=4 </dev/null >"$DIR/qemu.out" 2>&1
rc=$?
[[ $rc == 5 ]] || fail "isa-debug-exit status $rc, expected 5 (code 2: no VT-x)"
expect com2 "^\[hv\] loader: qemu; command line: '.*hv.elf debugcon'" "QEMU multiboot command line"
expect com2 '^\[hv\] ACPI: 2 CPU\(s\) in MADT' "ACPI discovery before the check"
expect com2 '^\[hv\] VT-x not available' "no-VT-x line in the hypervisor log"
expect com1 '^\[hv\] VT-x not available' "no-VT-x line mirrored to COM1"
scenario_end
