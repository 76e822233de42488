#!/usr/bin/env bash
# `make bench`: boots the image in Bochs and reads figures the hypervisor
# prints. Under Bochs the TSC advances one tick per executed instruction,
# so tick counts are exact path lengths, identical run to run.
# Prints "BENCH <name> <value> <unit>" lines and writes them to
# build/bench/results.txt.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=build/bench
mkdir -p "$out"
results=$out/results.txt
: >"$results"

bench() {
    echo "BENCH $1 $2 $3" | tee -a "$results"
}

IPS=50000000
tools/mkiso.sh "$out/boot.iso" build/hv.elf "after_boot=poweroff" build/modules/selftest.bin
tools/bochs-run.sh --out "$out/boot" --cpus 2 --ips $IPS --timeout 180 "$out/boot.iso" >"$out/boot.out" 2>&1
line=$(tr -d '\r' <"$out/boot/com2.log" | grep -E '^\[hv\] boot complete: ' | head -n 1)
if [[ ! $line =~ TSC\ ([0-9]+)\ Hz,\ ([0-9]+)\ TSC\ ticks ]]; then
    echo "bench: boot did not complete; see $out/boot/" >&2
    exit 1
fi
tsc_hz=${BASH_REMATCH[1]} boot_ticks=${BASH_REMATCH[2]}
bench hv_boot_ticks "$boot_ticks" ticks
bench tsc_calibration_error_ppm "$(awk -v f="$tsc_hz" -v t=$IPS 'BEGIN { d = f - t; if (d < 0) d = -d; printf "%d", d * 1000000 / t }')" ppm
# Exit costs measured inside a partition (partitions/test bench=all):
# RDTSC around 1000 CPUIDs / null VMCALLs, minus an empty RDTSC pair.
tools/mkiso.sh "$out/exits.iso" build/hv.elf "exit_with=gpos" \
    "build/partitions/testpart.elf@rtos.elf:bench=all" \
    "build/partitions/testpart.elf@gpos.elf:bench=all beats=1 heartbeat=10 exit=0"
tools/bochs-run.sh --out "$out/exits" --cpus 2 --ips $IPS --timeout 180 "$out/exits.iso" >"$out/exits.out" 2>&1
for name in cpuid_exit_ticks vmcall_null_ticks; do
    v=$(tr -d '\r' <"$out/exits/com1.log" | sed -nE "s/^\[gpos\] BENCH $name ([0-9]+) avg.*/\1/p" | head -n 1)
    [[ -n $v ]] || { echo "bench: no $name figure; see $out/exits/" >&2; exit 1; }
    bench "$name" "$v" ticks
done
# RTOS timer latency (partitions/rtos app=latency), in ticks: the same
# image bare metal (1 CPU) and as partition 'rtos' next to the test kernel.
# Under Bochs these are instruction path lengths.
rtos_latency() { # MODE TIMER -> LAT lines in $out/rtos-MODE-TIMER/
    local mode=$1 timer=$2 dir=$out/rtos-$1-$2 log
    mkdir -p "$dir"
    if [[ $mode == native ]]; then
        tools/mkiso.sh "$dir/r.iso" build/partitions/rtos.elf "app=latency samples=10000 timer=$timer console=com1"
        tools/bochs-run.sh --out "$dir" --cpus 1 --ips $IPS --timeout 300 "$dir/r.iso" >"$dir/run.out" 2>&1
        log=$dir/com1.log
    else
        tools/mkiso.sh "$dir/r.iso" build/hv.elf "exit_with=rtos" \
            "build/partitions/rtos.elf@rtos.elf:app=latency samples=10000 timer=$timer" \
            "build/partitions/testpart.elf@gpos.elf:heartbeat=20"
        tools/bochs-run.sh --out "$dir" --cpus 2 --ips $IPS --timeout 300 "$dir/r.iso" >"$dir/run.out" 2>&1
        log=$dir/com3.log
    fi
    tr -d '\r' <"$log" | sed -nE "s/^\[rtos(-bare)?\] LAT ([a-z_]+) min ([0-9]+) avg ([0-9]+) max ([0-9]+) p999 ([0-9]+) ticks.*/\2 \3 \4 \5 \6/p" |
        while read -r path min avg max p999; do
            bench "rtos_${path}_${mode}_min" "$min" ticks
            bench "rtos_${path}_${mode}_avg" "$avg" ticks
            bench "rtos_${path}_${mode}_max" "$max" ticks
            bench "rtos_${path}_${mode}_p999" "$p999" ticks
        done
    local exits
    exits=$(tr -d '\r' <"$log" | sed -nE 's/^\[rtos\] exits during measurement: ([0-9]+)$/\1/p')
    [[ -n $exits ]] && bench "rtos_exits_during_measurement_${mode}_${timer}" "$exits" exits
    return 0
}
for timer in tsc hpet; do
    rtos_latency native $timer
    rtos_latency partition $timer
done
echo "results in $results"
