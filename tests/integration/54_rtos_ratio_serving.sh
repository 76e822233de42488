#!/usr/bin/env bash
# The RTOS keeps its bare-metal timer latency while it serves VMRPC calls
# at full rate: the partition serves rtos/echo from its idle task
# (rpc_mode=poll: no doorbell interrupt, no server task, no masked
# section, interrupts open while serving), and 'gpos' calls it
# synchronously without pause (test kernel rpc_load=rtos). Baseline:
# native_busy, the same image on bare metal with idle=poll (its idle task
# spins too: a timer firing at a running CPU is taken a tick or two
# differently from one at a halted CPU in Bochs) and the other CPU
# spinning. TSC-deadline timer, SAMPLES samples:
# - timer->handler and timer->task average and p99.9 in the partition are
#   no worse than natively, within JITTER ticks (as in 53_rtos_ratio.sh);
# - the RTOS CPU takes 0 VM exits during the measurement: every call is
#   answered without an exit (VMRPC_SLOT_REPLIED);
# - the load was real: at least one call served per timer period on
#   average (SAMPLES calls; a call round trip is about 1000 ticks in
#   Bochs against a period of about 10200, so about 10 per period come).
# Min and the single maximum are reported, not compared.
JITTER=2
SAMPLES=10000
. "$(dirname "$0")/lib.sh"
scenario_begin rtos_ratio_serving

for mode in native_busy partition_serving; do
    "$ROOT/tools/rtos-latency.sh" $mode tsc $SAMPLES "$DIR/$mode" >"$DIR/$mode.out" 2>&1 || fail "$mode: no figures"
done
native=$DIR/native_busy/lat.txt part=$DIR/partition_serving/lat.txt
for path in timer_handler timer_task; do
    expect_latency_no_worse "$native" "$part" $path serving $JITTER
done
grep -qx "exits 0" "$part" || fail "VM exits on the RTOS CPU during the measurement: $(grep exits "$part")"
served=$(awk '$1 == "served" { print $2 }' "$part" 2>/dev/null)
if [[ -z $served ]]; then
    fail "no 'rpc: served N calls during measurement' line"
elif ((served < SAMPLES)); then
    fail "only $served calls served during $SAMPLES samples: the load was not real"
else
    note "served $served calls during the measurement"
fi
expect "$DIR/partition_serving/com1.log" '^\[gpos\] rpc: load: calling rtos/echo without pause' "gpos calling rtos/echo"
scenario_end
