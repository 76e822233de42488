#!/usr/bin/env bash
# `make bench`: boots the image in Bochs and reads figures the hypervisor
# prints. Under Bochs the TSC advances one tick per executed instruction,
# so tick counts are exact path lengths, identical run to run.
# Prints "BENCH <name> <value> <unit>" lines and writes them to
# $BUILD/bench/results.txt (BUILD: the build directory, default build).
# BENCH_ONLY=linux measures only the Linux figures (one Linux boot, a few
# minutes; needs $BUILD/linux-smp/hv.elf and $BUILD/linux, as make bench
# builds them).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${BUILD:-build}
export BUILD=$build # the helper scripts and mklinux-iso.sh read it
out=$build/bench
mkdir -p "$out"
results=$out/results.txt
: >"$results"

bench() {
    echo "BENCH $1 $2 $3" | tee -a "$results"
}

IPS=50000000
# Debian's Linux in 'gpos' on two CPUs (tests/integration/70_linux_gpos.sh's
# run: configs/linux-smp.c, a 3-CPU machine): its own clock at /init
# (TSC-based: ticks since its TSC clock started, about its entry), the VM
# exits its boot CPU took up to then (vmrpc info on CPU 0, just after
# insmod), and `vmrpc bench rtos echo -n 200` from Linux user space
# pinned to CPU 0: ioctl, asynchronous hypercall, RTOS doorbell task,
# HC_RPC_REPLY, the driver's spin finding the completion (the completion
# IRQ follows). The test's `vmrpc serve` daemon runs meanwhile, as on a
# real system.
linux_bench() {
    local dir=$out/linux
    mkdir -p "$dir"
    HV_ELF=$build/linux-smp/hv.elf tools/mklinux-iso.sh "$dir/r.iso" "exit_with=gpos" "app=demo" test >"$dir/mkiso.out" 2>&1 || exit 1
    cp "$build/linux/rootfs.img" "$dir/disk.img" || exit 1 # its root file system, a fresh copy
    tools/bochs-run.sh --out "$dir" --cpus 3 --ips $IPS --timeout 600 --disk "$dir/disk.img" "$dir/r.iso" >"$dir/run.out" 2>&1
    local log=$dir/com1.log hz s exits b
    hz=$(tr -d '\r' <"$dir/com2.log" | sed -nE 's/^\[hv\] boot complete: .* TSC ([0-9]+) Hz.*/\1/p' | head -n 1)
    s=$(tr -d '\r' <"$log" | sed -nE 's/^\[ *([0-9]+\.[0-9]+)\] Run \/init as init process.*/\1/p' | head -n 1)
    exits=$(tr -d '\r' <"$log" | sed -nE 's/^init: VM exits so far: ([0-9]+)$/\1/p' | head -n 1)
    b=$(tr -d '\r' <"$log" | sed -nE 's/.*vmrpc-bench calls=[0-9]+ min=([0-9]+) avg=([0-9]+) max=([0-9]+) ticks.*/\1 \2 \3/p' | head -n 1)
    [[ -n $hz && -n $s && -n $exits && -n $b ]] || { echo "bench: no Linux figures; see $dir/" >&2; exit 1; }
    bench linux_boot_to_init_ticks "$(awk -v s="$s" -v hz="$hz" 'BEGIN { printf "%.0f", s * hz }')" ticks
    bench linux_exits_during_boot "$exits" exits
    read -r bmin bavg bmax <<<"$b"
    bench vmrpc_linux2rtos_echo_min "$bmin" ticks
    bench vmrpc_linux2rtos_echo_avg "$bavg" ticks
    bench vmrpc_linux2rtos_echo_max "$bmax" ticks
    # How the calls completed (spin or interrupt), for the record.
    tr -d '\r' <"$log" | grep -E '^LINUX-TEST stats ' | head -n 1
}
if [[ ${BENCH_ONLY:-} == linux ]]; then
    linux_bench
    echo "results in $results"
    exit 0
fi
tools/mkiso.sh "$out/boot.iso" "$build/hv.elf" "after_boot=poweroff" "$build/modules/selftest.bin"
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
tools/mkiso.sh "$out/exits.iso" "$build/hv.elf" "exit_with=gpos" \
    "$build/partitions/testpart.elf@rtos.elf:bench=all" \
    "$build/partitions/testpart.elf@gpos.elf:bench=all beats=1 heartbeat=10 exit=0"
tools/bochs-run.sh --out "$out/exits" --cpus 2 --ips $IPS --timeout 180 "$out/exits.iso" >"$out/exits.out" 2>&1
for name in cpuid_exit_ticks vmcall_null_ticks; do
    v=$(tr -d '\r' <"$out/exits/com1.log" | sed -nE "s/^\[gpos\] BENCH $name ([0-9]+) avg.*/\1/p" | head -n 1)
    [[ -n $v ]] || { echo "bench: no $name figure; see $out/exits/" >&2; exit 1; }
    bench "$name" "$v" ticks
done
# Device models (partitions/test bench=devices in 'rtos', which has the
# emulated UART at 0x2e8, while gpos beats on): an OUT to the emulated
# THR, a CONFIG_DATA dword read, the same register read through its ECAM
# window (configs/demo.c), a read of a port nothing answers (0x80).
tools/mkiso.sh "$out/devices.iso" "$build/hv.elf" "exit_with=gpos" \
    "$build/partitions/testpart.elf@rtos.elf:bench=devices ecam=0xb0000000" \
    "$build/partitions/testpart.elf@gpos.elf:heartbeat=100 beats=6 exit=0"
tools/bochs-run.sh --out "$out/devices" --cpus 2 --ips $IPS --timeout 180 "$out/devices.iso" >"$out/devices.out" 2>&1
for name in emul_uart_out_ticks pci_cfg_read_ticks pci_ecam_read_ticks unowned_port_ticks; do
    v=$(tr -d '\r' <"$out/devices/com3.log" | sed -nE "s/^\[rtos\] BENCH $name ([0-9]+) avg.*/\1/p" | head -n 1)
    [[ -n $v ]] || { echo "bench: no $name figure; see $out/devices/" >&2; exit 1; }
    bench "$name" "$v" ticks
done
# RTOS timer latency (partitions/rtos app=latency, 10000 samples): the
# same image natively and as partition 'rtos', with the other CPU idle and
# loaded (tools/rtos-latency.sh says why the native other CPU is loaded
# too). Ratios are partition/native averages.
for timer in tsc hpet; do
    for mode in native_idle partition_idle native_loaded partition_loaded; do
        tools/rtos-latency.sh $mode $timer 10000 "$out/rtos-$mode-$timer" || exit 1
        while read -r path min avg max p999; do
            [[ $path == exits ]] && { bench "rtos_exits_during_measurement_${mode}_$timer" "$min" exits; continue; }
            # With the mediated HPET every arm is an exit; the others must be 0.
            [[ $path == hpet_writes ]] && { bench "rtos_hpet_writes_during_measurement_${mode}" "$min" exits
                bench "rtos_exits_other_than_hpet_writes_${mode}" \
                    "$(($(awk '$1 == "exits" { print $2 }' "$out/rtos-$mode-$timer/lat.txt") - min))" exits; continue; }
            for stat in min avg max p999; do
                bench "rtos_${path}_${mode}_$stat" "${!stat}" ticks
            done
        done <"$out/rtos-$mode-$timer/lat.txt"
    done
    for load in idle loaded; do
        join <(sort "$out/rtos-native_$load-$timer/lat.txt") <(sort "$out/rtos-partition_$load-$timer/lat.txt") |
            while read -r path _ navg _ _ _ pavg _ _; do
                [[ $path == exits || $path == hpet_writes ]] && continue
                bench "rtos_${path}_ratio_$load" "$(awk -v n="$navg" -v p="$pavg" 'BEGIN { printf "%.2f", n ? p / n : (p ? 99 : 1) }')" x
            done
    done
done
v=$(tools/bench-hpet.sh "$out/rtos-partition_idle-hpet") && bench hpet_arm_ticks "$v" ticks || exit 1
# The RTOS serving VMRPC at full rate from its idle loop (rpc_mode=poll,
# gpos calling rtos/echo without pause) against bare metal with its idle
# task spinning (tools/rtos-latency.sh native_busy, partition_serving).
for mode in native_busy partition_serving; do
    tools/rtos-latency.sh $mode tsc 10000 "$out/rtos-$mode-tsc" || exit 1
    while read -r path min avg max p999; do
        case $path in
        exits) bench "rtos_exits_during_measurement_$mode" "$min" exits; continue ;;
        served) bench "rtos_vmrpc_calls_served_during_measurement" "$min" calls; continue ;;
        esac
        for stat in min avg max p999; do
            bench "rtos_${path}_${mode}_$stat" "${!stat}" ticks
        done
    done <"$out/rtos-$mode-tsc/lat.txt"
done
join <(sort "$out/rtos-native_busy-tsc/lat.txt") <(sort "$out/rtos-partition_serving-tsc/lat.txt") |
    while read -r path _ navg _ _ _ pavg _ _; do
        [[ $path == timer_* ]] || continue
        bench "rtos_${path}_ratio_serving" "$(awk -v n="$navg" -v p="$pavg" 'BEGIN { printf "%.2f", n ? p / n : (p ? 99 : 1) }')" x
    done
# The RTOS's fieldbus master (nic=pnic: a broadcast frame on the Bochs
# pseudo-NIC every 1 ms, tools/rtos-nic.sh), 2000 cycles, bare metal and
# as partition 'rtos' (the NIC passed through), the other CPU idle and
# loaded: cycle jitter (send start - release), its spread (max - min),
# the VM exits on the RTOS CPU meanwhile. rtos_nic_cycle_jitter_ratio is
# partition/bare spread with the other CPU loaded (1.00 = native; 0/0
# counts as 1.00).
for load in idle loaded; do
    for mode in native_$load partition_$load; do
        tools/rtos-nic.sh $mode 2000 "$out/rtos-nic-$mode" || exit 1
        read -r _ jmin javg jmax jspread <"$out/rtos-nic-$mode/nic.txt"
        for stat in jmin javg jmax jspread; do
            bench "rtos_nic_cycle_jitter_${mode}_${stat#j}" "${!stat}" ticks
        done
        [[ $mode == partition_* ]] && bench "rtos_nic_exits_during_cycles_$load" \
            "$(awk '$1 == "exits" { print $2 }' "$out/rtos-nic-$mode/nic.txt")" exits
    done
    ratio=$(awk -v n="$(awk '$1 == "jitter" { print $5 }' "$out/rtos-nic-native_$load/nic.txt")" \
        -v p="$(awk '$1 == "jitter" { print $5 }' "$out/rtos-nic-partition_$load/nic.txt")" \
        'BEGIN { printf "%.2f", n ? p / n : (p ? 99 : 1) }')
    bench "rtos_nic_cycle_jitter_ratio$([[ $load == idle ]] && echo _idle)" "$ratio" x
done
tools/bench-cache.sh "$out/cache" 2000 >"$out/cache.txt" && while read -r _ n v u; do bench "$n" "$v" "$u"; done <"$out/cache.txt" || exit 1 # RTOS vs a cache-attacking gpos
# VMRPC (docs/VMRPC.md): round trips both ways and in each receive mode,
# measured by the calling partition (RDTSC, HC_EXIT_STATS, and the
# server's VMRPC_ECHO_STATS before and after). Names get the direction
# and the server's receive mode: ..._gpos2rtos_doorbell etc.
rpc_bench() { # SUFFIX CLIENT_LOG EXIT_WITH RTOS_ARGS GPOS_ARGS
    local suffix=$1 log=$2 ew=$3 dir=$out/rpc-$1
    mkdir -p "$dir"
    tools/mkiso.sh "$dir/r.iso" "$build/hv.elf" "exit_with=$ew" "$build/partitions/rtos.elf@rtos.elf:$4" \
        "$build/partitions/testpart.elf@gpos.elf:$5" >"$dir/mkiso.out" 2>&1 || exit 1
    tools/bochs-run.sh --out "$dir" --cpus 2 --ips $IPS --timeout 400 "$dir/r.iso" >"$dir/run.out" 2>&1
    local lines
    lines=$(tr -d '\r' <"$dir/$log.log" | sed -nE 's/^\[[a-z-]+\] BENCH ((vmrpc|evq)_[a-z0-9_]+) ([0-9.]+).*/\1 \3/p')
    [[ -n $lines ]] || { echo "bench: no VMRPC figures for $suffix; see $dir/" >&2; exit 1; }
    while read -r name v; do
        case $name in
        *_exits) unit=exits ;;
        *_per_mtick) unit=calls ;;
        *) unit=ticks ;;
        esac
        bench "${name}_$suffix" "$v" $unit
    done <<<"$lines"
}
rpc_bench gpos2rtos_doorbell com1 gpos "app=demo heartbeat=600000 rpc_evq=8" "rpc_bench=rtos exit=0"
rpc_bench gpos2rtos_poll com1 gpos "app=demo heartbeat=600000 rpc_mode=poll rpc_evq=8" "rpc_bench=rtos exit=0"
rpc_bench gpos2rtos_wait com1 gpos "app=demo heartbeat=600000 rpc_mode=wait rpc_evq=8" "rpc_bench=rtos exit=0"
rpc_bench rtos2gpos_wait com3 rtos "app=rpcbench rpc_peer=gpos" "rpc_serve=wait rpc_evq=8"
rpc_bench rtos2gpos_doorbell com3 rtos "app=rpcbench rpc_peer=gpos" "rpc_serve=doorbell rpc_evq=8"
# The local APIC in xAPIC mode (docs/GUESTS.md, "Local APIC"): the
# conformance kernel in 'gpos' (which starts in xAPIC mode) times 1000 EOI
# writes and 1000 timer arms (initial-count writes) through the emulated
# MMIO page, then the same through the x2APIC MSRs after its switch
# (passed through: no exit), each less an empty loop
# (partitions/conform/probe_xapic.c).
tools/mkiso.sh "$out/xapic.iso" "$build/hv.elf" "exit_with=gpos" "$build/partitions/rtos.elf@rtos.elf:app=demo" \
    "$build/partitions/conform.elf@gpos.elf:console=com1 exit=0" >"$out/xapic.mkiso.out" 2>&1 || exit 1
tools/bochs-run.sh --out "$out/xapic" --cpus 2 --ips $IPS --timeout 300 "$out/xapic.iso" >"$out/xapic.out" 2>&1
for name in xapic_eoi_ticks xapic_timer_arm_ticks x2apic_eoi_ticks x2apic_timer_arm_ticks; do
    v=$(tr -d '\r' <"$out/xapic/com1.log" | sed -nE "s/^\[conform\] BENCH $name ([0-9]+) .*/\1/p" | head -n 1)
    [[ -n $v ]] || { echo "bench: no $name figure; see $out/xapic/" >&2; exit 1; }
    bench "$name" "$v" ticks
done
linux_bench
tools/latency-report.sh "$out"
echo "results in $results"
