#!/usr/bin/env bash
# An ECAM access the hypervisor cannot emulate (vmx/exit_ept.c,
# vmx/mmio_decode.h): gpos runs `lock xadd` on its window (00:00.0
# register 0 at 0xb0000000). The decoder takes only plain moves, so gpos
# is stopped with the "cannot emulate" line naming the PCI ECAM page,
# while the rtos beats on and ends the run. Before ECAM the same access
# was an EPT violation in a hole (another stop line); before the
# decoder's refusal it would have been guessed at.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_pci_ecam_insn
HOSTILE_ARGS="ecam=0xb0000000" hostile gpos pci-ecam-xadd \
    "PCI ECAM access at RIP 0x[0-9a-f]+ with an instruction the hypervisor cannot emulate"
scenario_end
