#!/usr/bin/env bash
# NMIs are virtual and queued (vmx/nmi.c): a guest gets every NMI it
# sends itself, also those sent from its own NMI handler (they wait for
# its IRET), and its other CPU gets one too. Once an NMI was injected the
# hypervisor's own NMIs still reach that CPU: the INIT emulation (an INIT
# then a SIPI restart CPU 1, which says "cpu 1 up" again), and the stop:
# when the boot CPU powers the partition off, CPU 1 (halted in the guest)
# must exit and park. Before virtual NMIs an injected NMI blocked NMIs for as long as
# the CPU stayed in the guest (SDM Vol. 3C 27.7.1), and self-NMIs sent
# from an exit were dropped in root mode.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_nmi_every_time

ISO=$DIR/hv.iso
"$ROOT/tools/mkiso.sh" "$ISO" "$BUILD/smp/hv.elf" "" \
    "$TESTPART@duo.elf:smp attack=nmi-count:4 exit=0" >"$DIR/mkiso.out" 2>&1 || fail "mkiso failed"
boot_bochs --cpus 2 --timeout 60 --until '\[hv\] cpu 1 exits: ' "$ISO"

expect_end until
expect com1 "^\[duo\] smp: 2/2 cpus up" "both CPUs up"
expect com1 "^\[duo\] attack nmi-count:4: survived, self NMIs 4/4, nested 3/3, other CPUs 1/1$" "every NMI arrived"
[[ $(text_of "$(log_file com1)" | grep -c '^\[duo\] cpu 1 up ') == 2 ]] || fail "CPU 1 not restarted by INIT-SIPI after its NMI"
expect com2 "^\[hv\] partition 'duo' stopped: powered off through port 0xf4 \(exit code 0\)" "partition powered off"
expect com2 "^\[hv\] cpu 1 exits: .*exception/NMI [0-9]+, SIPI 2" "CPU 1 took the INIT and stop NMIs after its injected one and parked"
expect com2 "^\[hv\] cpu 0 exits: .*NMI window" "nested NMIs waited for the NMI window"
expect_not com2 "VM entry failed|VMRESUME failed|EXCEPTION" "no failed entry"
scenario_end
