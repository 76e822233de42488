#!/usr/bin/env bash
# The cost of arming the mediated HPET, from one RTOS latency run with
# timer=hpet under the hypervisor (tools/rtos-latency.sh partition_* hpet):
#   tools/bench-hpet.sh OUTDIR
# prints the smallest cost in TSC ticks of one write of HPET comparator 0
# as the RTOS sees it (RDTSC around the store; the write exits to the
# hypervisor, which checks and makes it: vmx/hpet_emul.c), from the line
# "BENCH hpet_arm_ticks MIN avg AVG ..." of partitions/rtos/app/latency.c.
# Fails (status 1, a message on stderr) when the run has no such line.
set -uo pipefail
dir=${1:?usage: bench-hpet.sh OUTDIR}
v=$(tr -d '\r' <"$dir/com3.log" 2>/dev/null | sed -nE 's/^\[rtos\] BENCH hpet_arm_ticks ([0-9]+) avg .*/\1/p' | head -n 1)
[[ -n $v ]] || { echo "bench-hpet: no hpet_arm_ticks figure in $dir/com3.log" >&2; exit 1; }
echo "$v"
