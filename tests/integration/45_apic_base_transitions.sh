#!/usr/bin/env bash
# IA32_APIC_BASE writes behave as on hardware (Intel SDM Vol. 3A
# 11.12.5): an x2APIC-mode partition ('rtos' here) may disable its APIC
# (no #GP, it goes on running; its LAPIC no longer takes interrupts),
# but not go to xAPIC mode directly (#GP, logged); the other partition
# keeps its heartbeat throughout. The 'gpos' partition starts in xAPIC
# mode and its test kernel switches itself to x2APIC at boot (legal).
# Before the guest's APIC mode was emulated, every write that changed
# IA32_APIC_BASE got #GP.
. "$(dirname "$0")/lib.sh"
scenario_begin apic_base_transitions

# x2APIC -> disabled: legal.
hostile rtos msr-write:0x1B:0xFEE00000 ''
expect com3 '^\[rtos\] attack msr-write:0x1B:0xFEE00000: survived, no fault' "disable accepted (no #GP)"
expect com1 '^\[gpos\] x2APIC: id 0 from MSR 0x802, .*\(x2APIC mode enabled by this kernel\)' "gpos went xAPIC -> x2APIC itself"
expect_not com2 "IA32_APIC_BASE" "no refused APIC_BASE write"
first=("${FAILURES[@]}")
logs=$DIR/disable
rm -rf "$logs" && mkdir -p "$logs" && cp "$DIR"/*.log "$logs"/ 2>/dev/null

# x2APIC -> xAPIC directly: #GP.
FAILURES=()
hostile rtos msr-write:0x1B:0xFEE00800 ''
expect com3 '^\[rtos\] #GP caught \(refused\)' "#GP reflected"
expect com2 "refused write \(x2APIC to xAPIC mode directly\) to IA32_APIC_BASE MSR 0x1b \(value 0xfee00800\)" "illegal transition logged"
FAILURES=("${first[@]}" "${FAILURES[@]}")
scenario_end
