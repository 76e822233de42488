#!/usr/bin/env bash
# Boots the GRUB ISO on 2 emulated CPUs and checks everything the boot CPU
# discovers: memory map, ACPI, IOAPIC, HPET, VT-x, the moved module, the
# calibrated TSC, both CPUs online, and a clean ACPI power-off.
. "$(dirname "$0")/lib.sh"
scenario_begin boot_smp

IPS=50000000
module=$BUILD/modules/selftest.bin
crc=$("$BUILD/tools/modtool" crc "$module")
make_iso "after_boot=poweroff module_crc frobnicate=1" "$module:role=selftest"
boot_bochs --cpus 2 --ips $IPS --timeout 120 "$ISO"

expect_end poweroff
expect com2 '^\[hv\] microhypervisor [0-9.]+ starting on cpu 0' "banner"
expect com2 "^\[hv\] loader: GRUB" "loader name"
expect com2 "warning: unknown boot option 'frobnicate=1' ignored" "unknown option warning"
expect com2 '^\[hv\]   \[0x0000000000100000-0x[0-9a-f]+\) usable' "memory map entry above 1 MiB"
expect com2 '^\[hv\] ACPI: RSDP at 0x[0-9a-f]+ .*tables: .*APIC.*HPET' "ACPI tables"
expect com2 '^\[hv\] ACPI: 2 CPU\(s\) in MADT, 1 IOAPIC' "MADT"
expect com2 '^\[hv\] IOAPIC id [0-9]+ at 0xfec00000' "IOAPIC"
expect com2 '^\[hv\] HPET at 0xfed00000: 100000000 Hz .*3 comparators, 64-bit' "HPET"
expect com2 '^\[hv\] VT-x: VMCS revision .*EPT.*unrestricted guest' "VT-x capabilities"
expect com2 "^\[hv\] module 0: 'selftest.bin' 200000 bytes at 0x[0-9a-f]+ crc32 $crc args: role=selftest" "module intact (crc $crc) with its args"
expect com2 '^\[hv\] paging: hypervisor tables live' "own page tables"
expect com2 '^\[hv\] cpu 0 online: APIC id 0 \(boot CPU\)' "cpu 0 online"
expect com2 '^\[hv\] cpu 1 online: APIC id 1$' "cpu 1 online"
expect com2 '^\[hv\] boot complete: 2/2 CPUs online' "boot complete"
expect com2 'calibrated against the HPET' "HPET calibration"
expect_not com2 'EXCEPTION|PANIC' "no exception"
expect_not com1 '\[hv\]' "hypervisor log kept off COM1"

# The module must have left the area right after the image (GRUB's spot,
# possibly a partition's RAM): it now sits at the top of the hypervisor's
# own region, [0, 160 MiB) in configs/demo.c.
mod_at=$(first_match com2 "^\[hv\] module 0: .* at 0x([0-9a-f]+) crc32.*")
if [[ -z $mod_at ]] || (( 0x$mod_at < 0x9000000 || 0x$mod_at + 200000 > 0xA000000 )); then
    fail "module not moved to the top of the hypervisor's region (at 0x$mod_at)"
fi

tsc=$(first_match com2 '^\[hv\] boot complete: .* TSC ([0-9]+) Hz.*')
expect_within "$tsc" $IPS 1 "TSC Hz vs Bochs ips"
scenario_end
