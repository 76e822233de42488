#!/usr/bin/env bash
# CPUID inside a partition: VMX hidden, x2APIC and TSC-deadline offered, hypervisor bit set.
. "$(dirname "$0")/lib.sh"
scenario_begin cpuid_view
hostile rtos cpuid-vmx ''
expect com3 '^\[rtos\] attack cpuid-vmx: survived, VMX hidden' 'VMX hidden'
scenario_end
