#!/usr/bin/env bash
# The virtualised RTOS is as fast as the same image on bare metal, with
# the TSC-deadline timer, over 10000 samples, with the neighbour idle and
# with it loaded (partition: gpos hammering memory, I/O and hypercalls;
# native: the other CPU spinning):
# - the RTOS CPU takes 0 VM exits during the measurement: nothing of the
#   hypervisor is on its path;
# - timer->handler and timer->task average and p99.9 in the partition are
#   no worse than natively, within JITTER ticks. Under Bochs ticks are
#   instructions, but where an interrupt is accepted moves by a tick or
#   two with the phase of the run (the TSC rate each boot calibrates, what
#   the other CPU executes: Bochs interleaves busy CPUs in quanta), so
#   exact equality holds only run by run, not by design. 2 ticks on the
#   295-tick timer->task path is a ratio of at most 1.007.
# Min and the single maximum of 10000 samples are reported, not compared.
JITTER=2
. "$(dirname "$0")/lib.sh"
scenario_begin rtos_ratio

for mode in native_idle partition_idle native_loaded partition_loaded; do
    "$ROOT/tools/rtos-latency.sh" $mode tsc 10000 "$DIR/$mode" >"$DIR/$mode.out" 2>&1 || fail "$mode: no figures"
done
for load in idle loaded; do
    native=$DIR/native_$load/lat.txt part=$DIR/partition_$load/lat.txt
    for path in timer_handler timer_task; do
        expect_latency_no_worse "$native" "$part" $path $load $JITTER
    done
    grep -qx "exits 0" "$part" || fail "$load: VM exits on the RTOS CPU during the measurement: $(grep exits "$part")"
done
scenario_end
