#!/usr/bin/env bash
# gpos programs its pin 4 level-triggered with vector 0x50 (to its CPU);
# then the RTOS programs its own pin 20 level-triggered with the same
# vector. An EOI of a level-triggered vector is broadcast to the IOAPIC,
# which clears Remote-IRR on every entry with that vector (SDM Vol. 3A
# 10.8.5): the RTOS's EOIs would then re-arm gpos's pin. The second
# claim on the vector is refused and the RTOS stopped; gpos beats on.
# (Bochs does not model Remote-IRR, so the refusal is what is checked.)
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_ioapic_level_vector
OWN=ioapic-route:4:0x0000000000008050
ATTACK=ioapic-route:20:0x0100000000008050
boot_partitions "heartbeat=10 attack_after=10 attack=$ATTACK" \
    "heartbeat=40 beats=12 exit=0 stats attack_after=0 attack=$OWN" "exit_with=gpos"
expect_end poweroff
expect com1 "^\[gpos\] attack $OWN: survived, no fault, entry 0x0000000000008050" "gpos programmed its level entry"
expect com3 "^\[rtos\] attack $ATTACK: " "the RTOS announced the attack"
expect com2 "^\[hv\] partition 'rtos' stopped: IOAPIC: pin 20 entry 0x0100000000008050 refused: vector used by another partition's level-triggered entry .* \(vector 0x50, partition 'gpos'\)" \
    "RTOS stopped for the shared level vector"
expect_not com3 "attack $ATTACK: survived" "the RTOS's entry was not written"
stopped=$(line_of com2 "partition 'rtos' stopped")
ended=$(line_of com2 "partition 'gpos' stopped: powered off through port 0xf4")
[[ -n $stopped && -n $ended && $stopped -lt $ended ]] || fail "gpos did not outlive the RTOS (lines $stopped/$ended)"
expect com1 "^\[gpos\] heartbeat 12$" "gpos kept its heartbeat"
scenario_end
