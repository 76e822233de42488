#!/usr/bin/env bash
# A guest that keeps its local APIC in xAPIC mode (configs/smp.c 'duo'
# starts its CPUs in xAPIC mode, as a CPU leaves reset; the test kernel's
# x2apic=keep leaves it there): the x2APIC id MSR gets #GP, as on
# hardware in xAPIC mode, and the boot CPU starts the other through the
# xAPIC ICR in MMIO (0xFEE00310/0xFEE00300: INIT, SIPI; delivery status
# polled), which the hypervisor emulates with the x2APIC ICR's checks;
# the started CPU reads its xAPIC id at 0xFEE00020. Before xAPIC
# emulation, the first access to 0xFEE00xxx stopped the partition.
. "$(dirname "$0")/lib.sh"
scenario_begin xapic_guest

ISO=$DIR/hv.iso
"$ROOT/tools/mkiso.sh" "$ISO" "$BUILD/smp/hv.elf" "exit_with=duo" \
    "$TESTPART@duo.elf:x2apic=keep smp heartbeat=20 beats=3 exit=0" >"$DIR/mkiso.out" 2>&1 || fail "mkiso failed"
boot_bochs --cpus 2 --timeout 180 "$ISO"

expect_end poweroff
expect com1 "^\[duo\] x2APIC: id MSR 0x802 refused \(#GP\)" "x2APIC MSR #GP in xAPIC mode"
expect com2 "refused read \(its APIC is not in x2APIC mode\) of x2APIC MSR 0x802" "the #GP logged"
expect com1 "^\[duo\] cpu 1 up \(xAPIC id from 0xFEE00020 = 1\)" "second CPU started through the xAPIC ICR, reads its xAPIC id"
expect com1 "^\[duo\] smp: 2/2 cpus up" "both CPUs up"
expect com1 "^\[duo\] cpu 1 heartbeat 3" "second CPU runs"
expect com1 "^\[duo\] heartbeat 3$" "boot CPU runs"
expect com2 "^\[hv\] partition 'duo' stopped: powered off through port 0xf4 \(exit code 0\)" "partition powered off"
expect_not com2 "EPT violation:|IPI refused|VMLAUNCH failed|EXCEPTION" "no stop, no refused IPI"
scenario_end
