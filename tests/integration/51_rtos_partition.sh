#!/usr/bin/env bash
# The same RTOS image as the 'rtos' partition: the self-test passes with
# the TSC-deadline timer and with the HPET through the (emulated) IOAPIC,
# while the test kernel runs in 'gpos'.
. "$(dirname "$0")/lib.sh"
scenario_begin rtos_partition

for timer in tsc hpet; do
    mkdir -p "$DIR/$timer"
    "$ROOT/tools/mkiso.sh" "$DIR/$timer/hv.iso" "$BUILD/hv.elf" "exit_with=rtos" \
        "$BUILD/partitions/rtos.elf@rtos.elf:app=selftest timer=$timer" "$TESTPART@gpos.elf:heartbeat=50" \
        >"$DIR/$timer/mkiso.out" 2>&1 || fail "mkiso ($timer)"
    "$ROOT/tools/bochs-run.sh" --out "$DIR/$timer" --cpus 2 --timeout 180 "$DIR/$timer/hv.iso" >"$DIR/$timer/run.out" 2>&1
    [[ $(cat "$DIR/$timer/end" 2>/dev/null) == poweroff ]] || fail "$timer: run did not end by itself"
    expect "$DIR/$timer/com3.log" '^\[rtos\] selftest: 8 passed, 0 failed' "$timer: self-test passes in the partition"
    expect "$DIR/$timer/com2.log" "^\[hv\] partition 'rtos' stopped: powered off through port 0xf4 \(exit code 0\)" "$timer: exit code 0"
    expect "$DIR/$timer/com1.log" '^\[gpos\] heartbeat 1$' "$timer: gpos ran beside it"
    expect "$DIR/$timer/com2.log" "^\[hv\] partition 'rtos' health: heartbeat [1-9][0-9]*, deadline misses [0-9]+" "$timer: hypervisor read its health page"
done
scenario_end
