#!/usr/bin/env bash
# #UD and #GP on a one-CPU machine with on_fatal=poweroff: when the last
# CPU stops, the hypervisor powers the machine off.
. "$(dirname "$0")/lib.sh"
scenario_begin fault_fatal

for kind in ud gp; do
    mkdir -p "$DIR/$kind"
    "$ROOT/tools/mkiso.sh" "$DIR/$kind/hv.iso" "$BUILD/hv.elf" "fault=$kind on_fatal=poweroff" || fail "mkiso"
    "$ROOT/tools/bochs-run.sh" --out "$DIR/$kind" --cpus 1 --max-ticks 3000000000 --timeout 120 "$DIR/$kind/hv.iso" \
        >"$DIR/$kind/run.out" 2>&1
    [[ $(cat "$DIR/$kind/end" 2>/dev/null) == poweroff ]] || fail "$kind: run did not end by power-off"
    expect "$DIR/$kind/com2.log" '^\[hv\] cpu 0 stopped: exception in the hypervisor \(0 CPUs still running\)' "$kind: cpu stopped"
    expect "$DIR/$kind/com2.log" '^\[hv\] powering off \(on_fatal=poweroff\)' "$kind: fatal action"
done
expect "$DIR/ud/com2.log" '^\[hv\] EXCEPTION on cpu 0: vector 6 \(#UD invalid opcode\)' "#UD dump"
expect "$DIR/gp/com2.log" '^\[hv\] EXCEPTION on cpu 0: vector 13 \(#GP general protection\) error code 0x0' "#GP dump"
# Fatal lines also reach COM1 while no partition owns it.
expect "$DIR/gp/com1.log" '^\[hv\] powering off \(on_fatal=poweroff\)' "fatal line mirrored to COM1"
scenario_end
