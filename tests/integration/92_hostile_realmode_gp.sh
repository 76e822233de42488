#!/usr/bin/env bash
# A partition that drops to real mode and runs an MSR access the
# hypervisor refuses gets its #GP as the CPU would deliver it there: no
# error code (with unrestricted guest and CR0.PE = 0 the VM entry fails
# if one is asked for, SDM Vol. 3C 27.2.1.3), through its real-mode IVT;
# it survives and goes back to protected mode.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_realmode_gp
hostile gpos realmode-gp ''
expect com1 '^\[gpos\] attack realmode-gp: survived, #GP in real mode caught \(1\), frame without error code$' \
    '#GP delivered in real mode, without error code'
expect com2 'refused read of VMX MSR 0x480' 'MSR read refused and logged'
expect_not com2 'VM entry failed|VMRESUME failed' 'no failed entry'
scenario_end
