#!/usr/bin/env bash
# RTOS timer latency while 'gpos' attacks the shared caches (test kernel
# attack=cache-thrash: WBINVD, then a store per 64-byte line over 32 MiB,
# forever), against the same RTOS bare metal with the other CPU spinning
# (tools/rtos-latency.sh partition_cache_attack, native_loaded).
#   tools/bench-cache.sh OUTDIR [SAMPLES]     (default 2000 samples, TSC timer)
# Prints "BENCH <name> <value> <unit>" lines:
#   rtos_timer_task_ratio_cache_attack      p99.9 timer->task, partition / native
#   rtos_timer_task_p999_{native_loaded,partition_cache_attack}   ticks
#   rtos_exits_during_measurement_partition_cache_attack          exits
#   gpos_wbinvd_exits_cache_attack  WBINVD exits of gpos's CPU after its
#                                   first rounds (its own HC_EXIT_STATS)
# Bochs models no cache, so the ratio shows only what the hypervisor adds
# (WBINVD trapped on the attacker's CPU, nothing on the RTOS's); on real
# hardware the thrashing evicts the RTOS's lines from the shared LLC
# (docs/ISOLATION.md, "Caches").
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:?usage: tools/bench-cache.sh OUTDIR [SAMPLES]} samples=${2:-2000}
for mode in native_loaded partition_cache_attack; do
    tools/rtos-latency.sh $mode tsc "$samples" "$out/$mode" || exit 1
done
p999() { awk -v p=timer_task '$1 == p { print $5 }' "$1"; }
native=$(p999 "$out/native_loaded/lat.txt") part=$(p999 "$out/partition_cache_attack/lat.txt")
exits=$(awk '$1 == "exits" { print $2 }' "$out/partition_cache_attack/lat.txt")
wbinvd=$(tr -d '\r' <"$out/partition_cache_attack/com1.log" | sed -nE 's/^\[gpos\] exit reason 54: ([0-9]+)$/\1/p' | head -n 1)
[[ -n $native && -n $part ]] || { echo "bench-cache: no timer_task figures; see $out" >&2; exit 1; }
echo "BENCH rtos_timer_task_ratio_cache_attack $(awk -v n="$native" -v p="$part" 'BEGIN { printf "%.3f", n ? p / n : 99 }') x"
echo "BENCH rtos_timer_task_p999_native_loaded $native ticks"
echo "BENCH rtos_timer_task_p999_partition_cache_attack $part ticks"
echo "BENCH rtos_exits_during_measurement_partition_cache_attack ${exits:-none} exits"
echo "BENCH gpos_wbinvd_exits_cache_attack ${wbinvd:-none} exits"
