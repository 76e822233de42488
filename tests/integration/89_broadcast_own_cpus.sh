#!/usr/bin/env bash
# Broadcasts reach the sender's own CPUs only, as on a machine that had
# only those. configs/smp.c (built in $BUILD/smp) on a 3-CPU machine: the
# partition 'duo' owns CPUs 0 and 1, CPU 2 is nobody's. Its boot CPU
# starts CPU 1 with INIT and SIPI by the shorthand "all excluding self"
# (refused before: "broadcast reaches CPUs of other partitions"), then
# sends an NMI the same way, which CPU 1's guest takes (virtual NMIs,
# vmx/nmi.c): the only NMI of the run, so its "NMI received" line is it.
. "$(dirname "$0")/lib.sh"
scenario_begin broadcast_own_cpus

ISO=$DIR/hv.iso
"$ROOT/tools/mkiso.sh" "$ISO" "$BUILD/smp/hv.elf" "exit_with=duo" \
    "$TESTPART@duo.elf:smp=broadcast heartbeat=20 beats=4 attack=smp-broadcast attack_after=2 exit=0" \
    >"$DIR/mkiso.out" 2>&1 || fail "mkiso failed"
boot_bochs --cpus 3 --timeout 180 "$ISO"

expect_end poweroff
expect com2 "^\[hv\] cpu 2: no partition to run" "a third CPU that the partition does not own"
expect com1 "^\[duo\] cpu 1 up \(x2APIC id from MSR 0x802 = 1\)" "second CPU started by shorthand INIT/SIPI"
expect com1 "^\[duo\] smp: 2/2 cpus up \(started by shorthand\)" "both CPUs up"
expect com1 "^\[duo\] attack smp-broadcast: survived, no fault" "NMI broadcast taken"
expect com1 "NMI received at EIP" "CPU 1's guest got the broadcast NMI"
expect com1 "^\[duo\] cpu 1 heartbeat 4" "second CPU runs on"
expect com2 "^\[hv\] partition 'duo' stopped: powered off through port 0xf4 \(exit code 0\)" "partition powered off"
expect_not com2 "IPI refused|EXCEPTION|VM entry failed" "nothing refused, no fault"
scenario_end
