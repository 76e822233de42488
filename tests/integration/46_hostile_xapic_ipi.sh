#!/usr/bin/env bash
# The xAPIC ICR (MMIO 0xFEE00300/0xFEE00310) gets the x2APIC ICR's checks:
# gpos starts in xAPIC mode (configs/demo.c lapic_mode) and stays there
# (x2apic=keep), then sends INIT to the RTOS's CPU through ICR_HIGH and
# ICR_LOW. The hypervisor stops gpos, as for the same IPI through MSR
# 0x830 (scenario 26); the RTOS keeps its heartbeat.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_xapic_ipi
HOSTILE_ARGS=x2apic=keep hostile gpos xapic-ipi-init:1 'IPI refused: INIT to APIC id 1, owned by partition .rtos.'
expect com1 '^\[gpos\] attack xapic-ipi-init:1: INIT to APIC id 1 through the xAPIC ICR' "sent through the MMIO ICR"
scenario_end
