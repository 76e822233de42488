#!/usr/bin/env bash
# One CPU, another emulated clock rate, the PIT as calibration reference,
# the log moved to COM1, and the run ended by a Bochs magic breakpoint
# under an instruction-count bound.
. "$(dirname "$0")/lib.sh"
scenario_begin boot_up_pit

IPS=30000000
make_iso "console=com1 tsc_ref=pit after_boot=magic"
boot_bochs --cpus 1 --ips $IPS --max-ticks 3000000000 --timeout 120 "$ISO"

expect_end magic
expect com1 '^\[hv\] cpu 0 online: APIC id 0 \(boot CPU\)' "cpu 0 online"
expect com1 '^\[hv\] boot complete: 1/1 CPUs online' "boot complete on one CPU"
expect com1 'calibrated against the PIT' "PIT calibration"
expect com1 '^\[hv\] after_boot=magic' "magic breakpoint announced"
expect_not com2 '\[hv\]' "COM2 unused when console=com1"
tsc=$(first_match com1 '^\[hv\] boot complete: .* TSC ([0-9]+) Hz.*')
expect_within "$tsc" $IPS 1 "TSC Hz vs Bochs ips (PIT)"
scenario_end
