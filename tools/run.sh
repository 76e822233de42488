#!/usr/bin/env bash
# `make run`: the demo, or one general-purpose kernel under test.
#
#   make run
#       boots the demo in Bochs (2 CPUs): partition 'rtos' (COM3, the
#       in-tree RTOS's demo: tasks, live latency, calls to Linux, UDP
#       latency reports through Linux's sockets, and a fieldbus master
#       sending a frame every millisecond on its own PCI NIC, nic=pnic)
#       and partition 'gpos'
#       (COM1: Debian's stock Linux kernel, build/linux, its root file
#       system on the IDE disk build/run/rootfs.img (a copy of
#       build/linux/rootfs.img made on first use and kept: files
#       persist from run to run; delete it for a fresh one), the NE2000
#       on Bochs's slirp network, reaching a shell with vmrpc.ko loaded
#       and `vmrpc serve sysinfo echo net` running; try `vmrpc call rtos
#       sysinfo`). A listener on this machine (busybox nc, a free TCP
#       port) prints the RTOS's latency reports, lines "[host listener]
#       rtos latency: ...": the RTOS sends them through Linux's sockets
#       (VMRPC net module) to Linux's 127.0.0.1:5005, whence Linux relays
#       them over the NE2000 and slirp to 10.0.2.2:PORT, this machine.
#       Without busybox or a free port the demo runs without it and says
#       so. On a terminal, COM1 is the
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
# The host listener of the demo: one TCP connection at a time (busybox
# nc), again after each; its lines go to the terminal. Sets
# LISTENER_PORT, or leaves it empty when none could be started.
start_listener() {
    local port try pid
    LISTENER_PORT=
    command -v busybox >/dev/null || { echo "run: no busybox here: no host listener for the RTOS's reports" >&2; return; }
    for try in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 20000))
        busybox nc -l -p "$port" >"$out/listener.first" 2>&1 &
        pid=$!
        sleep 0.3
        kill -0 "$pid" 2>/dev/null || continue
        LISTENER_PORT=$port
        # CR LF: the terminal is in raw mode while COM1 is on it.
        { wait "$pid"; cat "$out/listener.first"; while :; do busybox nc -l -p "$port" || sleep 1; done; } 2>/dev/null |
            sed -u 's/^/[host listener] /; s/$/\r/' &
        LISTENER_PID=$!
        trap 'kill $LISTENER_PID $pid 2>/dev/null' EXIT
        echo "run: host listener on TCP port $port (10.0.2.2:$port inside): the RTOS's latency reports appear as [host listener] lines" >&2
        return
    done
    echo "run: no free TCP port for the host listener: the demo runs without it (in Linux: vmrpc udp-listen 5005)" >&2
}

if [[ -z ${GPOS_KERNEL:-} ]]; then
    mkdir -p "$out"
    # Linux's root disk: a copy that persists from run to run (a newer
    # build's image replaces it).
    disk=$out/rootfs.img
    if [[ ! -f $disk || $build/linux/rootfs.img -nt $disk ]]; then
        cp "$build/linux/rootfs.img" "$disk" || exit 2
        echo "run: Linux's root disk: $disk (a fresh copy of $build/linux/rootfs.img)" >&2
    else
        echo "run: Linux's root disk: $disk (kept from the last run; delete it for a fresh one)" >&2
    fi
    start_listener
    BUILD=$build tools/mklinux-iso.sh "$out/linux-demo.iso" "" "app=demo nic=pnic" shell \
        "${LISTENER_PORT:+gpos_report=10.0.2.2:$LISTENER_PORT}" || exit 2
    tools/bochs-run.sh --out "$out" --interactive --com1-tty --timeout "${TIMEOUT:-86400}" --disk "$disk" "$out/linux-demo.iso"
    exit $?
fi

[[ -f $GPOS_KERNEL ]] || { echo "run: GPOS_KERNEL=$GPOS_KERNEL: no such file" >&2; exit 2; }
modules=("$build/partitions/rtos.elf@rtos.elf:app=demo nic=pnic" "$GPOS_KERNEL@gpos.elf:${GPOS_CMDLINE:-}")
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
