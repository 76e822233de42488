#!/usr/bin/env bash
# Boots an ISO in Bochs (headless) and captures the serial ports.
#
#   tools/bochs-run.sh [options] ISO
#     --out DIR        logs: DIR/com1.log .. com3.log, DIR/bochs.log,
#                      DIR/bochsrc (default build/run)
#     --cpus N         CPUs (default 2)
#     --ips N          emulated instructions per second, which is also the
#                      emulated TSC rate (default 50000000)
#     --megs N         guest RAM in MiB (default 512)
#     --timeout S      wall-clock bound (default 120)
#     --max-ticks N    instruction bound: stop at emulated time N (Bochs 2.7
#                      honours this time breakpoint only with one CPU; SMP
#                      runs are bounded by --timeout alone)
#     --disk IMG       a raw disk image as ata1-master (the secondary IDE
#                      channel, 0x170/0x376, IRQ 15; the CD-ROM is ata0)
#     --strict-msrs    unknown MSRs raise #GP, as on a real CPU (Bochs's
#                      ignore_bad_msrs=0; by default Bochs reads them as 0
#                      and drops writes)
#     --until REGEX    stop as soon as a serial log matches REGEX
#     --com1-tty       with --interactive on a terminal: COM1 is that terminal
#                      itself (Bochs mode=term), keys go to the partition's
#                      serial console (a Linux shell), so COM1 is not logged
#     --interactive    stream the hypervisor console (COM2) and COM1 to the
#                      terminal until Ctrl-C
# How the run ended is written to DIR/end: poweroff, until, magic (magic
# breakpoint, xchg bx,bx), timeout, ticks, or error.
# Exit status: 0 for poweroff, until and magic; 124 when a bound was hit;
# 1 on a Bochs failure.
set -uo pipefail

orig_args=("$@")
disk="" strict_msrs=0 out=build/run cpus=2 ips=50000000 megs=512 timeout=120 max_ticks="" until="" interactive=0 com1_tty=0
while [[ $# -gt 1 ]]; do
    case $1 in
    --out) out=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --ips) ips=$2; shift 2 ;;
    --megs) megs=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --max-ticks) max_ticks=$2; shift 2 ;;
    --until) until=$2; shift 2 ;;
    --disk) disk=$2; shift 2 ;;
    --strict-msrs) strict_msrs=1; shift ;;
    --interactive) interactive=1; shift ;;
    --com1-tty) com1_tty=1; shift ;;
    *) echo "bochs-run: unknown option $1" >&2; exit 2 ;;
    esac
done
iso=${1:?usage: bochs-run.sh [options] ISO}
[[ -f $iso ]] || { echo "bochs-run: no such ISO: $iso" >&2; exit 2; }

mkdir -p "$out"
rm -f "$out"/com[1-4].log "$out"/bochs.log "$out"/bochs.out "$out"/end
touch "$out"/com1.log "$out"/com2.log "$out"/com3.log

com1="mode=file, dev=\"$out/com1.log\""
if [[ $interactive == 1 && $com1_tty == 1 ]] && tty -s; then
    com1="mode=term, dev=\"$(tty)\""
    stty raw -echo 2>/dev/null && trap 'stty sane 2>/dev/null' EXIT
else
    com1_tty=0
fi

# The machine: i440FX with PIIX3 (IDE at 00:01.1) and two PCI NICs, each
# on its own instance of Bochs's user-mode network (slirp: DHCP gives
# 10.0.2.15, the host machine is 10.0.2.2): an NE2000 in slot 1 and the
# Bochs/Etherboot pseudo-NIC (port I/O only, no DMA) in slot 2. Bochs 2.7
# has one PCI NE2000 at most; its 'null' network writes every frame to
# files in the current directory, so neither NIC uses it.
# Bochs has no headless display: the RFB (VNC) server with timeout=0 does
# not wait for a client. Each run listens on the next free port from 5900.
cat > "$out/bochsrc" <<RC
megs: $megs
cpu: model=corei7_skylake_x, count=$cpus, ips=$ips, reset_on_triple_fault=0$([[ $strict_msrs == 1 ]] && echo ", ignore_bad_msrs=0")
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
display_library: rfb, options="timeout=0"
pci: enabled=1, chipset=i440fx, slot1=ne2k, slot2=pcipnic
ne2k: card=0, type=pci, mac=b0:c4:20:00:00:01, ethmod=slirp
pcipnic: enabled=1, mac=b0:c4:20:00:00:02, ethmod=slirp
ata0-master: type=cdrom, path="$iso", status=inserted
$([[ -n $disk ]] && echo "ata1-master: type=disk, mode=flat, path=\"$disk\"")
boot: cdrom
com1: enabled=1, $com1
com2: enabled=1, mode=file, dev="$out/com2.log"
com3: enabled=1, mode=file, dev="$out/com3.log"
port_e9_hack: enabled=1
magic_break: enabled=1
clock: sync=none, time0=946684800
log: $out/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
mouse: enabled=0
speaker: enabled=0
RC

# Debugger commands: run (c); after a magic break or the tick bound, quit.
{
    [[ -n $max_ticks ]] && echo "sba $max_ticks"
    echo c
    echo q
} > "$out/cmds"

timeout --foreground -k 5 "$timeout" bochs -q -f "$out/bochsrc" -rc "$out/cmds" </dev/null >"$out/bochs.out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' INT TERM

if [[ $interactive == 1 ]]; then
    echo "Bochs is running (logs in $out). Hypervisor console (COM2) and COM1 follow; Ctrl-C stops." >&2
    logs=("$out/com2.log" "$out/com3.log")
    [[ $com1_tty == 1 ]] || logs+=("$out/com1.log")
    tail -q -n +1 -f "${logs[@]}" --pid=$pid &
    wait $pid
    exit 0
fi

matched=0
while kill -0 $pid 2>/dev/null; do
    if [[ -n $until ]] && grep -qaE "$until" "$out"/com[1-3].log; then
        matched=1
        sleep 0.3   # let the rest of the line(s) reach the file
        kill $pid 2>/dev/null
        break
    fi
    sleep 0.2
done
wait $pid
rc=$?

end=error
if [[ $matched == 1 ]]; then
    end=until
elif [[ $rc == 124 || $rc == 137 ]]; then
    end=timeout
elif grep -q 'Caught time breakpoint' "$out/bochs.out"; then
    end=ticks
elif grep -qE 'ACPI control: soft power off|Shutdown' "$out/bochs.out"; then
    end=poweroff
elif grep -q '^([0-9]*) Magic breakpoint' "$out/bochs.out"; then
    end=magic
fi
# Bochs could not get a VNC port (5900-5949: taken by parallel runs, or
# briefly held): nothing ran yet, so start it again, a few times.
if [[ $end == error ]] && grep -q 'RFB could not bind' "$out/bochs.log" 2>/dev/null && ((${BOCHS_RUN_RETRY:-0} < 5)); then
    echo "bochs-run: no free VNC port, starting Bochs again" >&2
    sleep $((1 + RANDOM % 3))
    BOCHS_RUN_RETRY=$((${BOCHS_RUN_RETRY:-0} + 1)) exec "$0" "${orig_args[@]}"
fi
echo $end > "$out/end"
case $end in
poweroff | until | magic) exit 0 ;;
timeout | ticks) echo "bochs-run: bound hit ($end)" >&2; exit 124 ;;
*) echo "bochs-run: Bochs stopped unexpectedly (rc $rc), see $out/bochs.out and $out/bochs.log" >&2; exit 1 ;;
esac
