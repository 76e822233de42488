#!/usr/bin/env bash
# The RTOS's real-time path takes no VM exit: during a latency run of the
# TSC-deadline timer (interrupt, EOI, wake-up, context switch) the RTOS
# CPU exits 0 times; with the HPET comparator through the IOAPIC, the
# only exits are the RTOS's own HPET register writes (arming the mediated
# comparator, vmx/hpet_emul.c): the interrupt and its wake-up take none.
# Figures go to make bench; this checks the structural fact. The TSC run
# also drives the oscilloscope pin (scope_port=0x378, the parallel port
# the config gives the RTOS): two port writes per sample, still no exit.
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
    if [[ $timer == tsc ]]; then
        expect "$DIR/$timer/com3.log" '^\[rtos\] exits during measurement: 0$' "tsc: no VM exit on the RTOS CPU while measuring"
        continue
    fi
    line=$(first_match "$DIR/$timer/com3.log" '^\[rtos\] exits during measurement: ([0-9]+ \(HPET register writes [0-9]+\))$')
    read -r exits writes <<<"$(sed -E 's/([0-9]+) \(HPET register writes ([0-9]+)\)/\1 \2/' <<<"$line")"
    if [[ -z $exits || $exits != "$writes" ]]; then
        fail "hpet: exits during measurement '${exits}' are not all HPET register writes ('${writes}')"
    else
        note "hpet: $exits exits during measurement, all HPET comparator writes"
    fi
    expect "$DIR/$timer/com3.log" '^\[rtos\] BENCH hpet_arm_ticks [0-9]+ avg' "hpet: comparator write cost measured"
done
scenario_end
