#!/usr/bin/env bash
# The RTOS keeps its bare-metal timer latency, and its CPU takes no VM
# exit, while Debian's Linux boots on two CPUs in 'gpos' (configs/
# linux-smp.c on a 3-CPU machine; tools/rtos-latency.sh partition_linux:
# SAMPLES TSC-deadline samples PERIOD_US apart, 40 s of emulated time,
# covering the kernel's boot, its second CPU's bring-up and the IPIs
# between its CPUs, up to its /init at about 35 s). Baseline:
# native_loaded, the same RTOS image on bare metal on the same 3-CPU
# machine with another CPU spinning, as in 53_rtos_ratio.sh (Bochs
# interleaves CPUs in quanta: like is compared with like).
JITTER=2
SAMPLES=20000
export PERIOD_US=2000
. "$(dirname "$0")/lib.sh"
export CPUS=3 HV_ELF=$BUILD/linux-smp/hv.elf
scenario_begin linux_rtos_ratio

for mode in native_loaded partition_linux; do
    "$ROOT/tools/rtos-latency.sh" $mode tsc $SAMPLES "$DIR/$mode" >"$DIR/$mode.out" 2>&1 || fail "$mode: no figures"
done
native=$DIR/native_loaded/lat.txt part=$DIR/partition_linux/lat.txt
for path in timer_handler timer_task; do
    expect_latency_no_worse "$native" "$part" $path linux_booting $JITTER
done
grep -qx "exits 0" "$part" || fail "VM exits on the RTOS CPU while Linux booted: $(grep exits "$part")"
expect "$DIR/partition_linux/com1.log" 'smp: Brought up 1 node, 2 CPUs' "Linux brought up its second CPU during the measurement"
expect "$DIR/partition_linux/com1.log" '^init: reached /init' "Linux reached /init during the measurement"
scenario_end
