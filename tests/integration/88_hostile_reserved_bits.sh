#!/usr/bin/env bash
# x2APIC writes with reserved bits (ICR bits 13, 16, 17, 20, 31; LVT
# reserved bits) get #GP, as a real x2APIC gives (Intel SDM Vol. 3A
# 10.12.1.3), though Bochs accepts them: the hypervisor validates before
# it replays the ICR or writes the LVT. The partition survives each one.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_reserved_bits
hostile gpos reserved-bits ''
expect com1 "^\[gpos\] attack reserved-bits: survived, ([0-9]+)/\1 #GP \(refused\)$" "every write refused with #GP"
expect com2 "^\[hv\] partition 'gpos' cpu 0: IPI \(ICR 0x[0-9a-f]+\) at RIP 0x[0-9a-f]+: reserved ICR bits set: #GP injected" "ICR #GP logged"
expect com2 "^\[hv\] partition 'gpos' cpu 0: refused write \(reserved bits\) to LVT MSR 0x835" "LVT #GP logged"
expect_not com2 "EXCEPTION|stopped: IPI" "no hypervisor fault, no stop"
scenario_end
