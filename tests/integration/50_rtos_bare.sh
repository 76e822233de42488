#!/usr/bin/env bash
# The RTOS image boots bare metal (GRUB's multiboot kernel, no
# hypervisor) and passes its self-test task set with both time sources.
. "$(dirname "$0")/lib.sh"
scenario_begin rtos_bare

for timer in tsc hpet; do
    mkdir -p "$DIR/$timer"
    "$ROOT/tools/mkiso.sh" "$DIR/$timer/rtos.iso" "$BUILD/partitions/rtos.elf" "app=selftest console=com1 timer=$timer" \
        >"$DIR/$timer/mkiso.out" 2>&1 || fail "mkiso ($timer)"
    "$ROOT/tools/bochs-run.sh" --out "$DIR/$timer" --cpus 1 --max-ticks 4000000000 --timeout 150 \
        "$DIR/$timer/rtos.iso" >"$DIR/$timer/run.out" 2>&1
    [[ $(cat "$DIR/$timer/end" 2>/dev/null) == poweroff ]] || fail "$timer: did not power off by itself"
    expect "$DIR/$timer/com1.log" '^\[rtos-bare\] selftest: 8 passed, 0 failed' "$timer: self-test passes bare metal"
    expect_not "$DIR/$timer/com1.log" 'selftest [a-z_]+: FAIL' "$timer: no failed check"
done
expect "$DIR/hpet/com1.log" 'HPET' "HPET time source used"
scenario_end
