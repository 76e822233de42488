#!/usr/bin/env bash
# VMRPC: a server unregisters its module while a call is pending. The
# test kernel's rpc_unregister_after=N leaves its N-th echo request
# unanswered and unregisters; 220 is past the rpctest sequence, whose
# rpc_epipe_ms loop then calls until it happens. The pending call and
# every later one fail with HV_EPIPE; nobody hangs, both partitions go on.
. "$(dirname "$0")/lib.sh"
scenario_begin vmrpc_unregister

make_iso "exit_with=rtos" "$BUILD/partitions/rtos.elf@rtos.elf:app=rpctest rpc_peer=gpos rpc_epipe_ms=5000" \
    "$TESTPART@gpos.elf:rpc_serve=wait rpc_unregister_after=220 heartbeat=50"
boot_bochs --cpus 2 --timeout 300 "$ISO"
expect_end poweroff
expect com1 '^\[gpos\] rpc: unregistered echo with a call pending$' "gpos unregistered echo with a call pending"
expect com3 '^\[rtos\] rpc: echo call -> EPIPE$' "the caller got EPIPE"
expect com3 '^\[rtos\] rpc: client done, 0 failures$' "client sequence passes"
expect com2 "^\[hv\] partition 'rtos' stopped: powered off through port 0xf4 \(exit code 0\)" "rtos exit 0"
expect_not com2 "partition 'gpos' stopped" "gpos was not stopped"
scenario_end
