#!/usr/bin/env bash
# ECAM (hv/pci_ecam.c, vmx/exit_ept.c; configs/demo.c gives both
# partitions a window at 0xb0000000, the test kernel's ecam= option): in
# each partition the test kernel reads every function bus 0 shows through
# the window and through mechanism #1 (attack=pci-ecam: read-only but for
# BAR sizing, as kernels do) and finds
#  - registers 0x00-0xff equal dword for dword (Status left out);
#  - a byte and a word at odd offsets giving the bytes of their dword;
#  - extended register 0x100 reading 0 (no MCFG on Bochs's board: no
#    extended capabilities, as a conventional PCI function shows);
#  - a BAR sizing probe through ECAM answered as through mechanism #1 and
#    the BAR restored;
#  - a dword read one byte off its dword reading all ones (not a
#    configuration request: PCI Express Base 7.2.2);
#  - absent functions reading all ones both ways.
# The boot log names each window. Before ECAM the window was a hole of the
# partition's memory map: the first read stopped the partition with an EPT
# violation, and no "ecam check" line appeared.
. "$(dirname "$0")/lib.sh"
scenario_begin pci_ecam

ECAM=0xb0000000
boot_partitions "attack=pci-ecam attack_after=0 exit=0 ecam=$ECAM" "attack=pci-ecam attack_after=0 exit=0 ecam=$ECAM" \
    "exit_with=gpos"
expect_end poweroff
for p in rtos gpos; do
    expect com2 "^\[hv\] $p: PCI ECAM window \[0xb0000000, 0xb0100000\) for its bus 0, emulated" "$p's window logged"
    expect "$(console_of $p)" "^\[$p\] attack pci-ecam: survived, 0 failures" "$p: ECAM agrees with mechanism #1"
    expect "$(console_of $p)" "^\[$p\] ecam 00:00\.0 registers 0x00-0xff match mechanism #1" "$p: host bridge header"
    expect "$(console_of $p)" "^\[$p\] ecam 00:00\.0 register 0x100 reads 0x00000000$" "$p: host bridge extended space reads 0"
    expect "$(console_of $p)" "^\[$p\] ecam 00:01\.0 registers 0x00-0xff match mechanism #1" "$p: 00:01.0 header"
    expect "$(console_of $p)" "^\[$p\] ecam 00:01\.0 register 0x100 reads 0x00000000$" "$p: 00:01.0 extended space reads 0"
    expect "$(console_of $p)" "^\[$p\] ecam 00:01\.0 byte 0x01 0x[0-9a-f]{2}, .*: ok$" "$p: narrow reads at odd offsets"
    expect "$(console_of $p)" "^\[$p\] ecam 00:01\.0 misaligned dword read at 0x01: 0xffffffff$" "$p: misaligned read all ones"
    expect_not "$(console_of $p)" "MISMATCH|WRONG" "$p: no disagreement"
done
expect com1 '^\[gpos\] ecam check: 3 functions, 0 failures' "gpos: the host bridge, the IDE and the NE2000"
expect com1 '^\[gpos\] ecam 00:02\.0 BAR0 0x0000c041 sized through ECAM: probe 0xffffffe1 \(mechanism #1 0xffffffe1\), restored 0x0000c041: ok' "gpos: NE2000 BAR0 sized through ECAM"
expect com1 '^\[gpos\] ecam 00:01\.0 BAR2 0x00000171 sized through ECAM: .*: ok' "gpos: IDE BAR2 sized through ECAM"
expect com3 '^\[rtos\] ecam check: 2 functions, 0 failures' "rtos: the host bridge and the pseudo-NIC"
expect com2 '^\[hv\] pci: 00:02\.0 extended registers read 0 in gpos: no MCFG window of the board covers it' "no machine ECAM on Bochs"
expect_not com2 'refused|EPT violation:' "nothing refused, nobody stopped"
scenario_end
