#!/usr/bin/env bash
# `make run`: the demo, or one general-purpose kernel under test.
#
#   make run
#       boots the demo in Bochs (2 CPUs): partition 'rtos' (COM3, the
#       in-tree RTOS's demo: tasks, live latency, calls to Linux, UDP
#       latency reports through Linux's sockets) and partition 'gpos'
#       (COM1: Debian's stock Linux kernel, build/linux, reaching a shell
#       with vmrpc.ko loaded and `vmrpc serve sysinfo echo net` running;
#       try `vmrpc call rtos sysinfo`). On a terminal, COM1 is the
#       terminal itself, so the Linux shell takes your keys; the
#       hypervisor log (COM2) and the RTOS follow in the same terminal.
#       Ctrl-C (outside the Linux shell: from another terminal, kill
#       bochs) stops it. DEMO=testkernel boots build/hv.iso instead (the
#       in-tree test kernel in 'gpos').
#   make run GPOS_KERNEL=FILE [GPOS_CMDLINE='...'] [GPOS_MODULES='a b'] [TIMEOUT=SECONDS]
#       boots FILE (any multiboot-1 or ELF64 kernel) as partition 'gpos'
#       with its command line and modules, headless, next to the RTOS;
#       its COM1 output goes to build/run/com1.log. Returns that
#       partition's exit code (its power-off through port 0xF4, ACPI or
#       0x8900), 124 when TIMEOUT (default 300 s) passes first, 255 when
#       the hypervisor stopped it for a fault.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${BUILD:-build}
out=$build/run

if [[ -z ${GPOS_KERNEL:-} && ${DEMO:-} == testkernel ]]; then
    exec tools/bochs-run.sh --out "$out" --interactive "$build/hv.iso"
fi
if [[ -z ${GPOS_KERNEL:-} ]]; then
    mkdir -p "$out"
    BUILD=$build tools/mklinux-iso.sh "$out/linux-demo.iso" "" "app=demo" shell || exit 2
    exec tools/bochs-run.sh --out "$out" --interactive --com1-tty --timeout "${TIMEOUT:-86400}" "$out/linux-demo.iso"
fi

[[ -f $GPOS_KERNEL ]] || { echo "run: GPOS_KERNEL=$GPOS_KERNEL: no such file" >&2; exit 2; }
modules=("$build/partitions/rtos.elf@rtos.elf:app=demo" "$GPOS_KERNEL@gpos.elf:${GPOS_CMDLINE:-}")
for m in ${GPOS_MODULES:-}; do
    [[ -f $m ]] || { echo "run: GPOS_MODULES: no such file: $m" >&2; exit 2; }
    modules+=("$m@gpos+$(basename "$m")")
done
mkdir -p "$out"
tools/mkiso.sh "$out/hv.iso" "$build/hv.elf" "exit_with=gpos" "${modules[@]}" || exit 2
tools/bochs-run.sh --out "$out" --timeout "${TIMEOUT:-300}" --until 'exit_with=gpos: ending the run' "$out/hv.iso"
rc=$?
echo "run: partition 'gpos' console (COM1): $out/com1.log; hypervisor log (COM2): $out/com2.log"
[[ $rc == 124 ]] && { echo "run: timed out after ${TIMEOUT:-300} s" >&2; exit 124; }
code=$(tr -d '\r' <"$out/com2.log" | sed -nE 's/^\[hv\] exit_with=gpos: ending the run with its exit code (-?[0-9]+)$/\1/p' | head -n 1)
[[ -z $code ]] && { echo "run: partition 'gpos' did not finish (see $out/com2.log)" >&2; exit 1; }
echo "run: partition 'gpos' exit code $code"
[[ $code -lt 0 ]] && exit 255
exit "$code"
