#!/usr/bin/env bash
# VMRPC, RTOS -> general-purpose partition (the seed's Reverse VMRPC): the
# RTOS's rpctest app calls the test kernel's sysinfo and echo, served by
# reply-and-wait and, in a second run, by doorbell: blocking calls that
# block only the calling task (asynchronous underneath), two client tasks
# with calls in flight at once, hostile calls, an event queue overflowed,
# and the server going on beating.
. "$(dirname "$0")/lib.sh"
scenario_begin vmrpc_rtos_calls_gpos

for mode in wait doorbell; do
    d=$DIR/$mode
    mkdir -p "$d"
    "$ROOT/tools/mkiso.sh" "$d/hv.iso" "$BUILD/hv.elf" "exit_with=rtos" \
        "$BUILD/partitions/rtos.elf@rtos.elf:app=rpctest rpc_peer=gpos" \
        "$TESTPART@gpos.elf:rpc_serve=$mode rpc_evq=8 heartbeat=50" >"$d/mkiso.out" 2>&1 || fail "$mode: mkiso"
    "$ROOT/tools/bochs-run.sh" --out "$d" --cpus 2 --timeout 300 "$d/hv.iso" >"$d/run.out" 2>&1
    [[ $(cat "$d/end" 2>/dev/null) == poweroff ]] || fail "$mode: run did not end by itself"
    expect "$d/com1.log" "^\[gpos\] rpc: serving sysinfo, echo \(mode $mode\)" "$mode: gpos serves by $mode"
    expect "$d/com3.log" "^\[rtos\] rpc: gpos sysinfo: os 'testpart', uptime [0-9]+" "$mode: sysinfo from gpos"
    for n in 1 100 4096; do
        expect "$d/com3.log" "^\[rtos\] rpc: echo $n bytes ok$" "$mode: echo of $n bytes"
    done
    expect "$d/com3.log" '^\[rtos\] rpc: two clients: [0-9]+\+[0-9]+ calls ok$' "$mode: two client tasks at once"
    for h in "bad descriptor -> EBADF" "proc out of range -> EINVAL" "request outside RAM -> EFAULT" \
        "response outside RAM -> EFAULT" "request over VMRPC_MAX_MSG -> EMSGSIZE" "async descriptor outside RAM -> EFAULT" \
        "bind outside rpc_bind -> EPERM" "bind newer major version -> EPROTO"; do
        expect "$d/com3.log" "^\[rtos\] rpc: hostile $h$" "$mode: hostile $h"
    done
    expect "$d/com3.log" '^\[rtos\] rpc: still served after hostile calls$' "$mode: served after hostile calls"
    expect "$d/com3.log" '^\[rtos\] rpc: event queue: [0-9]+ put, [1-9][0-9]* refused, .*lost [1-9][0-9]* reported, overflows [1-9]' \
        "$mode: event queue overflow refused, counted and reported"
    expect "$d/com3.log" '^\[rtos\] rpc: client done, 0 failures$' "$mode: client sequence passes"
    expect "$d/com2.log" "^\[hv\] partition 'rtos' stopped: powered off through port 0xf4 \(exit code 0\)" "$mode: rtos exit 0"
    expect_not "$d/com2.log" "partition 'gpos' stopped" "$mode: gpos was not stopped"
    expect "$d/com1.log" '^\[gpos\] heartbeat [2-9]' "$mode: gpos goes on beating"
done
scenario_end
