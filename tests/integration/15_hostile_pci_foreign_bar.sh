#!/usr/bin/env bash
# The I/O BAR of a function given to one partition is that partition's
# (hv/pci_assign.c): gpos reads port 0xc060, the rtos's pseudo-NIC's
# BAR4 (granted at boot, not listed in the rtos's config), and is stopped
# as for any port of another partition, while the rtos beats on. Before
# this change the port was nobody's (an absent device, all ones).
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_pci_foreign_bar
hostile gpos io-in:0xC060 'I/O read of port 0xc060 refused: it belongs to partition .rtos.'
expect com2 '^\[hv\] pci: 00:03\.0 BAR4 I/O \[0xc060, 0xc070\) -> rtos' "BAR granted to rtos at boot"
scenario_end
