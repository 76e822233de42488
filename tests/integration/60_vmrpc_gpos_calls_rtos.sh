#!/usr/bin/env bash
# VMRPC, general-purpose partition -> RTOS: the test kernel in 'gpos' runs
# its client sequence (partitions/test rpc_call=rtos) against the RTOS's
# sysinfo and echo, served by an ordinary RTOS task through the doorbell
# and, in a second run, by reply-and-wait: synchronous and asynchronous
# calls, payloads checked byte for byte, hostile calls each refused with
# the documented error, the RTOS still serving and keeping its deadlines.
. "$(dirname "$0")/lib.sh"
scenario_begin vmrpc_gpos_calls_rtos

declare -A want=([doorbell]=doorbell [wait]="echo waits")
for mode in doorbell wait; do
    d=$DIR/$mode
    mkdir -p "$d"
    "$ROOT/tools/mkiso.sh" "$d/hv.iso" "$BUILD/hv.elf" "exit_with=gpos" \
        "$BUILD/partitions/rtos.elf@rtos.elf:app=demo heartbeat=100 rpc_mode=$mode rpc_evq=4" \
        "$TESTPART@gpos.elf:rpc_call=rtos heartbeat=200 beats=3 exit=0" >"$d/mkiso.out" 2>&1 || fail "$mode: mkiso"
    "$ROOT/tools/bochs-run.sh" --out "$d" --cpus 2 --timeout 300 "$d/hv.iso" >"$d/run.out" 2>&1
    [[ $(cat "$d/end" 2>/dev/null) == poweroff ]] || fail "$mode: run did not end by itself"
    expect "$d/com3.log" "^\[rtos\] rpc: serving sysinfo and echo \(${want[$mode]}" "$mode: RTOS serves by $mode"
    expect "$d/com1.log" "^\[gpos\] rpc: rtos sysinfo: os 'rtos', uptime [0-9]+ us, .*tasks [1-9]" "$mode: sysinfo from the RTOS"
    for n in 1 100 4096; do
        expect "$d/com1.log" "^\[gpos\] rpc: echo $n bytes ok$" "$mode: echo of $n bytes"
    done
    expect "$d/com1.log" '^\[gpos\] rpc: async echo ok, completed by interrupt' "$mode: async call completed by interrupt"
    for h in "bad descriptor -> EBADF" "procedure out of range -> EINVAL" "request above VMRPC_MAX_MSG -> EMSGSIZE" \
        "request address outside its RAM -> EFAULT" "response address beyond its RAM end -> EFAULT" \
        "async call struct outside its RAM -> EFAULT" "bind not in rpc_bind -> EPERM" "bind wrong major version -> EPROTO" \
        "unbind twice -> EBADF"; do
        expect "$d/com1.log" "^\[gpos\] rpc: hostile $h$" "$mode: hostile $h"
    done
    expect "$d/com1.log" '^\[gpos\] rpc: still served after hostile calls$' "$mode: served after hostile calls"
    expect "$d/com1.log" '^\[gpos\] rpc: evq put [0-9]+ -> EBUSY$' "$mode: event queue overflow refused"
    expect "$d/com1.log" '^\[gpos\] rpc: client done, 0 failures$' "$mode: client sequence passes"
    expect_not "$d/com1.log" 'FAIL' "$mode: a failed check"
    expect "$d/com3.log" '^\[rtos\] heartbeat [3-9]' "$mode: RTOS heartbeats go on"
    expect "$d/com3.log" '^\[rtos\] rpc: event code [0-9]+ lost [1-9]' "$mode: the RTOS is told how many events were lost"
    expect "$d/com3.log" '^\[rtos\] rpc: evq overflows [1-9]' "$mode: the RTOS sees the overflow count"
    expect "$d/com2.log" "^\[hv\] partition 'gpos' stopped: powered off through port 0xf4 \(exit code 0\)" "$mode: gpos exit 0"
    expect_not "$d/com2.log" "partition 'rtos' stopped" "$mode: the RTOS was not stopped"
done
scenario_end
