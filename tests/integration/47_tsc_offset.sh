#!/usr/bin/env bash
# Each vCPU has its own TSC (docs/GUESTS.md, "Time stamp counter"). gpos
# runs the conformance kernel, whose tsc probe (partitions/conform/
# probe_tsc.c) sets IA32_TSC 2^40 ahead and then IA32_TSC_ADJUST 2^39
# further: RDTSC and RDMSR must read the values set, TSC_ADJUST must follow
# a TSC write by the same delta, a TSC-deadline timer armed after each
# move must fire at the guest's own deadline (the hypervisor translates
# the trapped MSR while the vCPU's offset is not 0), and writing
# TSC_ADJUST back must bring the TSC back. Meanwhile the RTOS on CPU 1
# measures its own TSC-deadline timer over all of gpos's run (it stops
# after gpos): its TSC is untouched, so its latencies stay those of an
# undisturbed run, and its timer path takes 0 exits (its offset stays 0,
# its deadline MSR stays passed through).
# Before the TSC offset, writes to IA32_TSC and IA32_TSC_ADJUST were
# ignored: tsc.write.rdtsc reads "other".
. "$(dirname "$0")/lib.sh"
scenario_begin tsc_offset

make_iso "exit_with=rtos" "$BUILD/partitions/rtos.elf@rtos.elf:app=latency samples=4000 timer=tsc period_us=5000" \
    "$BUILD/partitions/conform.elf@gpos.elf:"
boot_bochs --cpus 2 --timeout 240 "$ISO"
expect_end poweroff

for fact in "tsc.write ok" "tsc.write.rdtsc set" "tsc.write.rdmsr set" "tsc.adjust.after_tsc_write moved" \
    "tsc.adjust.write ok" "tsc.adjust.write.rdtsc moved" "tsc.adjust.read_back same" "tsc.restored ok" \
    "tsc.deadline.before on_time" "tsc.deadline.after_tsc_write on_time" \
    "tsc.deadline.after_tsc_write.read same" "tsc.deadline.after_adjust_write on_time" \
    "tsc.deadline.past on_time" "tsc.deadline.after_restore on_time"; do
    expect com1 "^\[conform\] CONF $fact$" "gpos: $fact"
done
gpos_stop=$(line_of com2 "partition 'gpos' stopped: powered off")
rtos_stop=$(line_of com2 "partition 'rtos' stopped: powered off")
[[ -n $gpos_stop && -n $rtos_stop && $gpos_stop -lt $rtos_stop ]] ||
    fail "gpos did not finish before the RTOS's measurement ended (com2 lines ${gpos_stop:-none}, ${rtos_stop:-none})"
expect com3 "^\[rtos\] exits during measurement: 0$" "RTOS timer path: 0 exits"
max=$(first_match com3 '^\[rtos\] LAT timer_task min [0-9]+ avg [0-9]+ max ([0-9]+) .*')
[[ -n $max && $max -le 1000 ]] || fail "RTOS timer->task max '${max}' ticks: its TSC or deadline was disturbed"
note "RTOS timer->task max $max ticks"
scenario_end
