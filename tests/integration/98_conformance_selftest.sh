#!/usr/bin/env bash
# The conformance kernel's own machinery (partitions/conform/README.md,
# option "selftest"), bare and in partition 'gpos': conf_try catches #UD,
# #DE, #GP and #BP with the right vectors, nests, keeps the caller's
# registers; a conf_set_handler handler runs on its vector; a vector
# without a handler is reported; an exception outside conf_try is
# reported and ends the run with the kernel's own power-off. Scenario 97's
# comparisons mean something only if this holds in both places.
. "$(dirname "$0")/lib.sh"
scenario_begin conformance_selftest

CONFORM=$BUILD/partitions/conform.elf

check_selftest() {
    local log=$1 what=$2
    expect "$log" '^\[conform\] CONF selftest\.try\.returns ok$' "$what: conf_try returns -1 when nothing faults"
    expect "$log" '^\[conform\] CONF selftest\.try\.ud #UD$' "$what: #UD caught"
    expect "$log" '^\[conform\] CONF selftest\.try\.de #DE$' "$what: #DE caught (vector 0)"
    expect "$log" '^\[conform\] CONF selftest\.try\.gp #GP$' "$what: #GP caught"
    expect "$log" '^\[conform\] CONF selftest\.try\.bp #BP$' "$what: #BP caught"
    expect "$log" '^\[conform\] CONF selftest\.try\.nested ok$' "$what: nested tries"
    expect "$log" '^\[conform\] CONF selftest\.try\.registers_kept ok$' "$what: callee-saved registers kept"
    expect "$log" '^\[conform\] CONF selftest\.wrmsr\.reserved #GP$' "$what: conf_wrmsr reports #GP"
    expect "$log" '^\[conform\] CONF selftest\.handler ran$' "$what: installed handler ran"
    expect "$log" '^\[conform\] CONF unexpected\.vector\.065 fired$' "$what: unhandled vector reported"
    expect "$log" '^\[conform\] CONF fatal\.exception #UD eip 0x[0-9a-f]+ error 0x0$' "$what: fatal exception reported"
    expect_not "$log" 'selftest\.fatal survived' "$what: ran on after a fatal exception"
    expect "$log" '^\[conform\] power off: ACPI S5' "$what: powered off after it"
}

mkdir -p "$DIR/bare"
"$ROOT/tools/mkiso.sh" "$DIR/bare/conform.iso" "$CONFORM" "selftest" >"$DIR/mkiso.out" 2>&1 || fail "mkiso failed"
"$ROOT/tools/bochs-run.sh" --out "$DIR/bare" --cpus 1 --timeout 60 "$DIR/bare/conform.iso" >"$DIR/bare/run.out" 2>&1
[[ $(cat "$DIR/bare/end" 2>/dev/null) == poweroff ]] || fail "bare: run ended by '$(cat "$DIR/bare/end" 2>/dev/null)'"
check_selftest "$DIR/bare/com1.log" bare

make_iso "exit_with=gpos" "$BUILD/partitions/rtos.elf@rtos.elf:app=demo" "$CONFORM@gpos.elf:selftest"
boot_bochs --cpus 2 --timeout 120 "$ISO"
expect_end poweroff
check_selftest "$(log_file com1)" partition
expect com2 "^\[hv\] partition 'gpos' stopped: powered off through ACPI" "partition: stopped by its own power-off"
scenario_end
