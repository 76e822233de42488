#!/usr/bin/env bash
# The RTOS drives a PCI device of its own in a partition: the Bochs
# pseudo-NIC (host 00:03.0) passed through to 'rtos' as its 00:01.0
# (configs/demo.c). With nic=pnic the RTOS finds it through the emulated
# configuration space, reads its I/O BAR and MAC, masks its interrupt,
# and a priority-1 task sends one broadcast frame per 1 ms cycle
# (partitions/rtos/app/fieldbus.c), beside 'gpos' hammering memory, I/O
# ports and hypercalls. Checks, over CYCLES measured cycles:
# - the device took every frame (status OK each time) and no cycle was
#   missed;
# - the RTOS's CPU took 0 VM exits meanwhile: the BAR's ports are passed
#   through by the I/O bitmap and the timer is the TSC-deadline one;
# - the cycle jitter (send start - release) is no worse than the same
#   image's on bare metal with the other CPU spinning, within JITTER ticks
#   (the avg and the max; see 53_rtos_ratio.sh for why not exactly).
CYCLES=2000
JITTER=2
. "$(dirname "$0")/lib.sh"
scenario_begin rtos_nic

for mode in native_loaded partition_loaded; do
    "$ROOT/tools/rtos-nic.sh" $mode $CYCLES "$DIR/$mode" >"$DIR/$mode.out" 2>&1 || fail "$mode: no figures ($(tail -n 1 "$DIR/$mode.out"))"
done
part=$DIR/partition_loaded native=$DIR/native_loaded
expect "$part/com3.log" '^\[rtos\] nic: pseudo-NIC at 00:01\.0, I/O 0x[0-9a-f]+ \(BAR4\), API 0x[0-9a-f]+, MAC b0:c4:20:00:00:02, interrupt masked$' \
    "the pseudo-NIC found as the partition's 00:01.0"
expect "$part/com3.log" '^\[rtos\] nic: fieldbus master done: every frame sent on time$' "every frame sent on time"
expect "$part/com2.log" "^\[hv\] exit_with=rtos: ending the run with its exit code 0" \
    "the RTOS powered off with code 0"
for f in sent missed errors exits; do
    eval "$f=\$(awk -v k=$f '\$1 == k { print \$2 }' \"\$part/nic.txt\" 2>/dev/null)"
done
[[ $sent == "$CYCLES" ]] || fail "frames sent: '$sent', expected $CYCLES"
[[ $missed == 0 && $errors == 0 ]] || fail "missed cycles '$missed', refused frames '$errors'"
[[ $exits == 0 ]] || fail "VM exits on the RTOS CPU during the cycles: '$exits'"
n=$(awk '$1 == "jitter" { print $2, $3, $4, $5 }' "$native/nic.txt" 2>/dev/null)
p=$(awk '$1 == "jitter" { print $2, $3, $4, $5 }' "$part/nic.txt" 2>/dev/null)
if [[ -z $n || -z $p ]]; then
    fail "jitter figures missing"
elif ! awk -v n="$n" -v p="$p" -v j=$JITTER 'BEGIN { split(n, a); split(p, b); exit !(b[2] <= a[2] + j && b[3] <= a[3] + j) }'; then
    fail "partition jitter min/avg/max/spread '$p' worse than native '$n' by more than $JITTER ticks"
else
    note "jitter min/avg/max/spread native $n, partition $p; frames $sent, exits $exits"
fi
scenario_end
