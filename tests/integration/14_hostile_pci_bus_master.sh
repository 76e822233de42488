#!/usr/bin/env bash
# gpos (dma none) sets Bus Master Enable on its IDE controller (00:01.0,
# machine 00:01.1): a bus master could DMA anywhere, there being no
# IOMMU. The hypervisor drops the bit, logs it once, and gpos reads the
# Command register back without it; the rtos beats on. Before this
# change the partition had no PCI function. When gpos stops, its
# functions are quiesced: decode and bus mastering off, INTx disabled,
# read back (hv/quiesce.c).
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_pci_bus_master
hostile gpos pci-bus-master:1:0 ''
expect com2 "^\[hv\] partition 'gpos': PCI 00:01\.0: Bus Master Enable refused: its config does not allow DMA \(dma none\)" "refusal logged"
expect com1 '^\[gpos\] attack pci-bus-master:1:0: survived, Command reads 0x[0-9a-f]{4} \(bus master off\)' "BME stays off"
expect com2 "^\[hv\] partition 'gpos': devices quiesced \(.*PCI functions 00:01\.1 00:02\.0, LAPIC" "its functions quiesced when it stopped"
scenario_end
