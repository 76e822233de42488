#!/usr/bin/env bash
# A partition on two CPUs (configs/smp.c, built in build/smp): its boot
# CPU starts the other with INIT-SIPI-SIPI through the x2APIC ICR, which
# the hypervisor checks (own CPUs only) and emulates; both then run.
. "$(dirname "$0")/lib.sh"
scenario_begin smp_partition

ISO=$DIR/hv.iso
"$ROOT/tools/mkiso.sh" "$ISO" "$BUILD/smp/hv.elf" "exit_with=duo" \
    "$TESTPART@duo.elf:smp heartbeat=20 beats=3 exit=0" >"$DIR/mkiso.out" 2>&1 || fail "mkiso failed"
boot_bochs --cpus 2 --timeout 180 "$ISO"

expect_end poweroff
expect com2 "^\[hv\] config 'smp': 1 partition" "smp config"
expect com2 "^\[hv\] cpu 1: entering partition 'duo' \(waiting for its INIT-SIPI\)" "second CPU parked for its SIPI"
expect com1 "^\[duo\] cpu 1 up \(x2APIC id from MSR 0x802 = 1\)" "second CPU started by the partition"
expect com1 "^\[duo\] smp: 2/2 cpus up" "both CPUs up"
expect com1 "^\[duo\] cpu 1 heartbeat 3" "second CPU runs"
expect com1 "^\[duo\] heartbeat 3$" "boot CPU runs"
expect com2 "^\[hv\] partition 'duo' stopped: powered off through port 0xf4 \(exit code 0\)" "partition powered off"
expect_not com2 "VM entry failed|EXCEPTION" "no failed entry"
scenario_end
