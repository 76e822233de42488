#!/usr/bin/env bash
# PCI configuration mechanism #1 in a partition without PCI functions
# (hv/pci_cfg.h, vmx/exit_io.c): the conformance kernel's PCI group
# (partitions/conform/probe_pci.c, the others skipped) in 'duo'
# (configs/smp.c: a partition given no PCI function; the demo's gpos and
# rtos have some, scenario 11) finds
# the CONFIG_ADDRESS latch (0xCF8) reading back what it wrote, all ones
# from CONFIG_DATA (0xCFC) for every function in 32- and 16-bit reads,
# and an empty bus 0 (32 slots, 64 accesses). The hypervisor answers each
# access with one I/O exit and logs none of them (before: the ports were
# plain unowned ones, the latch read all ones, each access was logged).
# Configuration mechanism #2 (byte accesses at 0xCF8/0xCFA) stays absent,
# also unlogged (and tests/unit/test_pci_cfg.c, Linux's probe in 70).
. "$(dirname "$0")/lib.sh"
scenario_begin pci_empty_bus

GROUPS_BUT_PCI=cpu,pmu,tsc,exceptions,xapic,smp,realmode,rtc
ISO=$DIR/hv.iso
"$ROOT/tools/mkiso.sh" "$ISO" "$BUILD/smp/hv.elf" "exit_with=duo" \
    "$BUILD/partitions/conform.elf@duo.elf:console=com1 exit=0 skip=$GROUPS_BUT_PCI" >"$DIR/mkiso.out" 2>&1 ||
    fail "mkiso failed: $(tail -n 3 "$DIR/mkiso.out")"
boot_bochs --cpus 2 --timeout 120 "$ISO"
[[ $END == poweroff ]] || fail "run did not end with the partition's power-off (end: $END)"
expect com1 '^\[conform\] CONF pci\.cf8_latch ok' "CONFIG_ADDRESS latches and reads back"
expect com1 '^\[conform\] CONF pci\.cfc_16bit consistent' "16-bit CONFIG_DATA reads agree with the 32-bit one"
expect com1 '^\[conform\] CONF pci\.absent_function all-ones' "an absent function reads all ones"
expect com1 '^\[conform\] CONF pci\.mechanism2 absent' "no configuration mechanism #2"
expect com1 '^\[conform\] CONF pci\.functions 0$' "bus 0 is empty"
expect com1 '^\[conform\] CONF pci\.scan done' "the scan ends"
expect com2 "^\[hv\] partition 'duo' stopped: powered off through port 0xf4 \(exit code 0\)" "the kernel powered off"
expect_not com2 'unowned port 0xcf[89a-f]' "configuration accesses answered, not logged as unowned ports"
# One exit per access: the group makes 81 (latch 4, 16-bit reads 8,
# mechanism #2 probe 5, scan 64) plus the power-off write; two exits per
# access would be over 160.
io=$(text_of "$(log_file com2)" | sed -nE "s/^\[hv\] cpu 0 exits: [0-9]+ total.*, I\/O ([0-9]+).*/\1/p" | head -n 1)
[[ -n $io ]] || fail "no exit statistics for duo's boot CPU"
[[ -n $io && $io -le 95 ]] || fail "duo took ${io:-?} I/O exits for about 82 port accesses"
note "duo I/O exits: ${io:-?} for 82 port accesses"
scenario_end
