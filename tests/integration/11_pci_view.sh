#!/usr/bin/env bash
# What each partition sees of PCI (hv/pci_cfg.h, hv/pci_assign.c,
# configs/demo.c): the test kernel scans bus 0 in both partitions
# (attack=pci-scan: read-only, BARs sized as kernels do).
#  - gpos: an emulated host bridge at 00:00.0, the PIIX3 IDE (machine
#    00:01.1) as a lone 00:01.0 with prog-if bit 7 and BAR4 (bus-master
#    registers) hidden (dma none), and shown in native mode (prog-if
#    0x05; the machine's is compatibility mode): the secondary channel,
#    whose ports gpos owns, as BAR2 0x171 (8 ports) and BAR3 0x375 (4),
#    the primary absent (BAR0/1 0), INTA on line 15; the NE2000 at 00:02.0 with its I/O BAR0
#    of 32 bytes where the firmware put it and its INTx line 9; nothing
#    else (the machine's ISA bridge, USB, ACPI and pseudo-NIC are absent).
#  - rtos: the host bridge and the pseudo-NIC (machine 00:03.0) as 00:01.0.
#  - the boot log names each assignment and grant.
# Before the PCI work a partition's bus was empty (0 functions); before
# the native view its IDE read prog-if 00, no BARs and no pin.
. "$(dirname "$0")/lib.sh"
scenario_begin pci_view

boot_partitions "attack=pci-scan attack_after=0 exit=0" "attack=pci-scan attack_after=0 exit=0" "exit_with=gpos"
expect_end poweroff
for p in rtos gpos; do
    expect "$(console_of $p)" "^\[$p\] attack pci-scan: survived" "$p scan ended"
done
expect com2 '^\[hv\] pci: 00:01\.1 8086:7010 class 0101 -> gpos as 00:01\.0' "IDE assigned to gpos"
expect com2 '^\[hv\] pci: 00:02\.0 10ec:8029 class 0200 -> gpos as 00:02\.0' "NE2000 assigned to gpos"
expect com2 '^\[hv\] pci: 00:03\.0 fefe:efef class 0200 -> rtos as 00:01\.0' "pseudo-NIC assigned to rtos"
expect com2 '^\[hv\] pci: 00:01\.1 BAR4 hidden from gpos' "IDE bus-master BAR hidden"
expect com2 '^\[hv\] pci: 00:01\.1 shown to gpos in IDE native mode: its secondary channel at the legacy ports, INTA on line 15' "IDE shown in native mode"
expect com2 '^\[hv\] pci: 00:01\.1 BAR2 I/O \[0x170, 0x178\) shown to gpos' "secondary command block as BAR2"
expect com2 '^\[hv\] pci: 00:01\.1 BAR3 I/O \[0x374, 0x378\) shown to gpos' "secondary control block as BAR3"
expect com2 '^\[hv\] pci: 00:01\.1 INTA -> IOAPIC pin 15, gpos' "IDE's INTA is gpos's pin 15"
expect com2 '^\[hv\] pci: 00:02\.0 BAR0 I/O \[0xc040, 0xc060\) -> gpos' "NE2000 ports granted"
expect com2 '^\[hv\] pci: 00:02\.0 INTA -> IOAPIC pin 9, gpos' "NE2000 line is gpos's pin"
expect com2 '^\[hv\] pci: 00:03\.0 INTA -> IOAPIC pin 11, nobody' "pseudo-NIC polled, its line nobody's"
expect_not com2 'not started' "every partition started"
# gpos's view
expect com1 '^\[gpos\] pci 00:00\.0 8086:1237 class 060000 header 0x00' "host bridge"
expect com1 '^\[gpos\] pci 00:01\.0 8086:7010 class 010105 header 0x00 pin 1 line 15' "IDE: lone function, native prog-if 05, INTA line 15"
expect_not com1 '^\[gpos\] pci 00:01\.0 BAR[01] ' "IDE primary channel absent"
expect com1 '^\[gpos\] pci 00:01\.0 BAR2 0x00000171 size 0x8$' "IDE BAR2: secondary command block"
expect com1 '^\[gpos\] pci 00:01\.0 BAR3 0x00000375 size 0x4$' "IDE BAR3: secondary control block"
expect_not com1 '^\[gpos\] pci 00:01\.0 BAR4' "IDE BAR4 reads 0 and sizes to 0"
expect com1 '^\[gpos\] pci 00:02\.0 10ec:8029 class 020000 header 0x00 pin 1 line 9' "NE2000 with its line"
expect com1 '^\[gpos\] pci 00:02\.0 BAR0 0x0000c041 size 0x20$' "NE2000 BAR0 and its size"
expect com1 '^\[gpos\] pci functions 3$' "three functions, nothing else"
# rtos's view
expect com3 '^\[rtos\] pci 00:01\.0 fefe:efef class 020000' "pseudo-NIC"
expect com3 '^\[rtos\] pci functions 2$' "two functions"
expect_not com2 'refused' "a scan is not refused anything"
scenario_end
