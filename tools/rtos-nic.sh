#!/usr/bin/env bash
# One run of the RTOS's fieldbus master (partitions/rtos nic=pnic: a
# broadcast frame on the Bochs pseudo-NIC at every cycle) in Bochs, 2 CPUs.
#   tools/rtos-nic.sh MODE CYCLES OUTDIR
#     MODE   native_idle       the RTOS bare metal (it scans the real PCI
#                              bus), the other CPU idle
#            native_loaded     bare metal, the other CPU spinning (ap_spin)
#            partition_idle    partition 'rtos' (the pseudo-NIC passed
#                              through as its 00:01.0); 'gpos' halted
#            partition_loaded  partition 'rtos'; 'gpos' hammering memory,
#                              I/O ports and hypercalls (test kernel hammer)
#     CYCLES measured cycles (after 32 warm-up ones), then the RTOS powers off
# NIC_CYCLE_US (environment) sets the cycle (default the RTOS's, 1000 us).
# The other RTOS tasks are kept quiet (the demo with a 10-minute
# heartbeat, no VMRPC, no periodic report): a console line masks
# interrupts while the UART drains it and would show as jitter.
# Leaves OUTDIR/nic.txt with the lines "jitter MIN AVG MAX SPREAD" (ticks,
# send start - release), "send MIN MAX" (ticks one transmit takes),
# "missed M", "sent F", "errors E", and in partition modes "exits N" (VM
# exits on the RTOS's CPU during the measured cycles).
set -uo pipefail
mode=$1 cycles=$2 out=$3
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${BUILD:-build}
mkdir -p "$out"
app="app=demo heartbeat=600000 rpc=off net_udp=0 nic=pnic nic_cycles=$cycles nic_report_ms=0${NIC_CYCLE_US:+ nic_cycle_us=$NIC_CYCLE_US}"
case $mode in
native_idle | native_loaded)
    [[ $mode == native_loaded ]] && app+=" ap_spin=1"
    tools/mkiso.sh "$out/r.iso" "$build/partitions/rtos.elf" "$app console=com1" >"$out/mkiso.out" 2>&1 || exit 1
    log=$out/com1.log
    ;;
partition_idle | partition_loaded)
    gpos=""
    [[ $mode == partition_loaded ]] && gpos="hammer"
    tools/mkiso.sh "$out/r.iso" "$build/hv.elf" "exit_with=rtos" "$build/partitions/rtos.elf@rtos.elf:$app" \
        "$build/partitions/testpart.elf@gpos.elf:$gpos" >"$out/mkiso.out" 2>&1 || exit 1
    log=$out/com3.log
    ;;
*) echo "rtos-nic: unknown mode $mode" >&2; exit 2 ;;
esac
tools/bochs-run.sh --out "$out" --cpus 2 --timeout 300 "$out/r.iso" >"$out/run.out" 2>&1
re='^\[rtos(-bare)?\] nic: cycles [0-9]+ jitter min/avg/max (-?[0-9]+)/(-?[0-9]+)/(-?[0-9]+) ticks spread ([0-9]+), send (-?[0-9]+)/(-?[0-9]+) ticks, missed ([0-9]+), sent ([0-9]+), errors ([0-9]+)$'
line=$(tr -d '\r' <"$log" | grep -E "$re" | tail -n 1)
[[ -n $line ]] || { echo "rtos-nic: no figures from $mode; see $out" >&2; exit 1; }
sed -E "s#$re#jitter \2 \3 \4 \5\nsend \6 \7\nmissed \8\nsent \9#" <<<"$line" >"$out/nic.txt"
echo "errors $(sed -nE 's/.*, errors ([0-9]+)$/\1/p' <<<"$line")" >>"$out/nic.txt"
tr -d '\r' <"$log" | sed -nE 's/^\[rtos\] nic: exits during cycles: ([0-9]+)$/exits \1/p' >>"$out/nic.txt"
exit 0
