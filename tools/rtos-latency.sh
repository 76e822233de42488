#!/usr/bin/env bash
# One RTOS latency run (partitions/rtos app=latency) in Bochs, 2 CPUs.
#   tools/rtos-latency.sh MODE TIMER SAMPLES OUTDIR
#     MODE   native_idle       the RTOS bare metal, the other CPU idle
#            native_loaded     bare metal, the other CPU spinning (ap_spin)
#            partition_idle    partition 'rtos'; 'gpos' halted (its CPU parked)
#            partition_loaded  partition 'rtos'; 'gpos' hammering memory,
#                              I/O ports and hypercalls (test kernel hammer)
#            native_busy       bare metal, idle=poll (the idle task spins,
#                              never halts), the other CPU spinning (ap_spin)
#            partition_serving partition 'rtos' serving VMRPC from its idle
#                              task (rpc=on rpc_mode=poll); 'gpos' calling
#                              rtos/echo synchronously without pause
#                              (test kernel rpc_load=rtos)
#            partition_cache_attack partition 'rtos'; 'gpos' attacking the
#                              shared caches: WBINVD (trapped, ignored), then a
#                              store per cache line over 32 MiB, forever (test
#                              kernel attack=cache-thrash); its baseline is
#                              native_loaded (the other CPU spinning: Bochs
#                              models no cache, so a natively thrashing
#                              neighbour would cost the RTOS nothing more)
#            partition_linux   partition 'rtos'; 'gpos' boots Debian's Linux
#                              (build/linux: vmlinux and initramfs, shell
#                              mode) through the whole measurement
#     TIMER  tsc | hpet
# PERIOD_US (environment) sets the timer period (default 200 us); CPUS
# the machine's CPU count (default 2; the Linux scenario gives 3, with
# HV_ELF, which tools/mklinux-iso.sh reads, the configs/linux-smp.c image).
# Leaves OUTDIR/lat.txt with lines "PATH MIN AVG MAX P999" (ticks), an
# "exits N" line in partition modes (with timer=hpet also "hpet_writes W":
# how many of those exits were its own HPET register writes), a "served N" line (VMRPC calls the
# RTOS answered during the measurement) in partition_serving, and
# OUTDIR/hist.txt with the raw "HIST PATH LO HI counts..." lines.
# native_busy is partition_serving's baseline: a CPU that polls is running
# when its timer fires, not halted, which Bochs answers a tick or two
# differently; so both idle tasks spin.
# Why the other CPU is loaded natively too: Bochs interleaves busy CPUs in
# quanta, which shifts when an interrupt is taken by a couple of ticks;
# like must be compared with like.
set -uo pipefail
mode=$1 timer=$2 samples=$3 out=$4
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${BUILD:-build}
mkdir -p "$out"
app="app=latency samples=$samples timer=$timer${PERIOD_US:+ period_us=$PERIOD_US}"
disk=()
case $mode in
native_idle | native_loaded | native_busy)
    extra=""
    [[ $mode == native_loaded ]] && extra=" ap_spin=1"
    [[ $mode == native_busy ]] && extra=" idle=poll ap_spin=1"
    tools/mkiso.sh "$out/r.iso" "$build/partitions/rtos.elf" "$app console=com1$extra" || exit 1
    log=$out/com1.log
    ;;
partition_linux)
    BUILD=$build tools/mklinux-iso.sh "$out/r.iso" "exit_with=rtos" "$app" shell || exit 1
    cp "$build/linux/rootfs.img" "$out/disk.img" || exit 1 # Linux's root file system, a fresh copy
    disk=(--disk "$out/disk.img")
    log=$out/com3.log
    ;;
partition_idle | partition_loaded | partition_serving | partition_cache_attack)
    gpos=""
    [[ $mode == partition_loaded ]] && gpos="hammer"
    [[ $mode == partition_cache_attack ]] && gpos="attack=cache-thrash"
    if [[ $mode == partition_serving ]]; then
        app="$app rpc=on rpc_mode=poll"
        gpos="rpc_load=rtos"
    fi
    tools/mkiso.sh "$out/r.iso" "$build/hv.elf" "exit_with=rtos" "$build/partitions/rtos.elf@rtos.elf:$app" \
        "$build/partitions/testpart.elf@gpos.elf:$gpos" || exit 1
    log=$out/com3.log
    ;;
*) echo "rtos-latency: unknown mode $mode" >&2; exit 2 ;;
esac
tools/bochs-run.sh --out "$out" --cpus "${CPUS:-2}" --timeout 400 "${disk[@]}" "$out/r.iso" >"$out/run.out" 2>&1
tr -d '\r' <"$log" | sed -nE 's/^\[rtos(-bare)?\] LAT ([a-z_]+) min ([0-9]+) avg ([0-9]+) max ([0-9]+) p999 ([0-9]+) ticks.*/\2 \3 \4 \5 \6/p' >"$out/lat.txt"
tr -d '\r' <"$log" | sed -nE 's/^\[rtos\] exits during measurement: ([0-9]+)( \(HPET register writes [0-9]+\))?$/exits \1/p' >>"$out/lat.txt"
tr -d '\r' <"$log" | sed -nE 's/^\[rtos\] exits during measurement: [0-9]+ \(HPET register writes ([0-9]+)\)$/hpet_writes \1/p' >>"$out/lat.txt"
tr -d '\r' <"$log" | sed -nE 's/^\[rtos\] rpc: served ([0-9]+) calls during measurement.*/served \1/p' >>"$out/lat.txt"
tr -d '\r' <"$log" | sed -nE 's/^\[rtos(-bare)?\] (HIST .*)/\2/p' >"$out/hist.txt"
[[ -s $out/hist.txt ]] || { echo "rtos-latency: no figures from $mode/$timer; see $out" >&2; exit 1; }
