#!/usr/bin/env bash
# The RTOS's real-time path takes no VM exit: during a latency run of the
# TSC-deadline timer (interrupt, EOI, wake-up, context switch) and of the
# HPET comparator through the IOAPIC, the RTOS CPU exits 0 times. Figures
# go to make bench; this checks the structural fact. The TSC run also
# drives the oscilloscope pin (scope_port=0x378, the parallel port the
# config gives the RTOS): two port writes per sample, still no exit.
. "$(dirname "$0")/lib.sh"
scenario_begin rtos_latency

for timer in tsc hpet; do
    mkdir -p "$DIR/$timer"
    "$ROOT/tools/mkiso.sh" "$DIR/$timer/hv.iso" "$BUILD/hv.elf" "exit_with=rtos" \
        "$BUILD/partitions/rtos.elf@rtos.elf:app=latency samples=2000 timer=$timer$([[ $timer == tsc ]] && echo ' scope_port=0x378')" \
        "$TESTPART@gpos.elf:heartbeat=20" >"$DIR/$timer/mkiso.out" 2>&1 || fail "mkiso ($timer)"
    "$ROOT/tools/bochs-run.sh" --out "$DIR/$timer" --cpus 2 --timeout 180 "$DIR/$timer/hv.iso" >"$DIR/$timer/run.out" 2>&1
    [[ $(cat "$DIR/$timer/end" 2>/dev/null) == poweroff ]] || fail "$timer: run did not end by itself"
    path=$([[ $timer == tsc ]] && echo timer || echo hpet)
    expect "$DIR/$timer/com3.log" "^\[rtos\] LAT ${path}_handler min [0-9]+ avg [0-9]+ max [0-9]+ p999 [0-9]+ ticks" "$timer: handler latency measured"
    expect "$DIR/$timer/com3.log" "^\[rtos\] LAT ${path}_task min [0-9]+ avg" "$timer: task latency measured"
    expect "$DIR/$timer/com3.log" '^\[rtos\] exits during measurement: 0$' "$timer: no VM exit on the RTOS CPU while measuring"
done
scenario_end
