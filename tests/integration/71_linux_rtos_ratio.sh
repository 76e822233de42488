#!/usr/bin/env bash
# The RTOS keeps its bare-metal timer latency, and its CPU takes no VM
# exit, while Debian's Linux boots on two CPUs in 'gpos' and then drives
# its disk and network card (configs/linux-smp.c on a 3-CPU machine; the
# RTOS's app=latency: SAMPLES TSC-deadline samples PERIOD_US apart, 70 s
# of emulated time). Linux covers, during the measurement: its kernel's
# boot, its second CPU's bring-up and the IPIs between its CPUs, its
# /init at about 30 s, the root file system mounted from the IDE disk,
# then I/O rounds without end (vmrpc_mode=load, test.sh load: 1 MiB
# written to the disk, synced, read back past the page cache, and 1 MiB
# fetched by wget through the NE2000 from an HTTP server this script
# runs on the host machine), until the RTOS's measurement ends the run.
# Baseline: native_loaded, the same RTOS image on bare metal on the same
# 3-CPU machine with another CPU spinning, as in 53_rtos_ratio.sh (Bochs
# interleaves CPUs in quanta: like is compared with like).
JITTER=2
SAMPLES=14000
export PERIOD_US=5000
. "$(dirname "$0")/lib.sh"
export CPUS=3 HV_ELF=$BUILD/linux-smp/hv.elf
scenario_begin linux_rtos_ratio

"$ROOT/tools/rtos-latency.sh" native_loaded tsc $SAMPLES "$DIR/native_loaded" >"$DIR/native_loaded.out" 2>&1 ||
    fail "native_loaded: no figures"

# The partition run: Linux in load mode on a copy of the root disk, the
# host's HTTP server serving 1 MiB.
part=$DIR/partition_linux_io
mkdir -p "$part/www"
head -c 1048576 /dev/urandom >"$part/www/load.bin"
host_http HTTP_PORT "$part/www"
cp "$BUILD/linux/rootfs.img" "$part/disk.img" || fail "no $BUILD/linux/rootfs.img"
BUILD=$BUILD "$ROOT/tools/mklinux-iso.sh" "$part/r.iso" "exit_with=rtos" \
    "app=latency samples=$SAMPLES timer=tsc period_us=$PERIOD_US" load "gpos_http=10.0.2.2:$HTTP_PORT" \
    >"$part/mkiso.out" 2>&1 || fail "mkiso"
"$ROOT/tools/bochs-run.sh" --out "$part" --cpus 3 --timeout 900 --disk "$part/disk.img" "$part/r.iso" >"$part/run.out" 2>&1
# The figures, as tools/rtos-latency.sh reads them.
tr -d '\r' <"$part/com3.log" | sed -nE 's/^\[rtos\] LAT ([a-z_]+) min ([0-9]+) avg ([0-9]+) max ([0-9]+) p999 ([0-9]+) ticks.*/\1 \2 \3 \4 \5/p' >"$part/lat.txt"
tr -d '\r' <"$part/com3.log" | sed -nE 's/^\[rtos\] exits during measurement: ([0-9]+)$/exits \1/p' >>"$part/lat.txt"

native=$DIR/native_loaded/lat.txt
for path in timer_handler timer_task; do
    expect_latency_no_worse "$native" "$part/lat.txt" $path linux_booting_and_io $JITTER
done
grep -qx "exits 0" "$part/lat.txt" || fail "VM exits on the RTOS CPU while Linux booted and did I/O: $(grep exits "$part/lat.txt")"
C1=$part/com1.log
expect "$C1" 'smp: Brought up 1 node, 2 CPUs' "Linux brought up its second CPU during the measurement"
expect "$C1" '^init: reached /init' "Linux reached /init during the measurement"
expect "$C1" '^init: root file system /dev/sda \(ext4, read-write\)' "Linux mounted its root from the IDE disk"
# The run ends with the RTOS's measurement: every round Linux finished
# ran while the RTOS measured.
rounds=$(text_of "$C1" | grep -c '^LINUX-LOAD round [0-9]* disk 1024 KiB written and read .* net 1048576 bytes$')
if ((rounds >= 3)); then
    note "Linux finished $rounds disk+network rounds during the measurement"
else
    fail "Linux finished $rounds disk+network rounds during the measurement (want 3 or more; see $C1)"
fi
expect "$part/www.log" 'url:/load\.bin' "the host's HTTP server served Linux"
scenario_end
