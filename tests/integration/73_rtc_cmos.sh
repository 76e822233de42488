#!/usr/bin/env bash
# A partition's own CMOS clock (hv/rtc_cmos.h, vmx/exit_io.c): the
# conformance kernel's RTC group (partitions/conform/probe_rtc.c, the
# others skipped) in 'gpos' beside the RTOS. The hypervisor read the
# machine's RTC at boot (Bochs's starts at 2000-01-01 00:00:00,
# tools/bochs-run.sh); the partition finds register D valid, UIP that
# clears, the divider and BCD 24-hour format the machine's clock has, a
# plausible time that advances by one second, the same time in binary as
# in BCD, and a time it sets (2042-06-15 12:34:56 through register B's
# SET bit, as Linux's mc146818_set_time does) read back, then put back.
# The hypervisor logs each set as the partition's own; none of the
# accesses is logged as an unowned port. Scenario 97 compares the same
# keys with the bare machine; this one pins their values (before the
# emulation every read gave all ones: UIP never cleared, no time).
. "$(dirname "$0")/lib.sh"
scenario_begin rtc_cmos

GROUPS_BUT_RTC=cpu,pmu,tsc,exceptions,xapic,smp,pci,realmode
make_iso "exit_with=gpos" "$BUILD/partitions/rtos.elf@rtos.elf:app=demo" \
    "$BUILD/partitions/conform.elf@gpos.elf:console=com1 exit=0 skip=$GROUPS_BUT_RTC"
boot_bochs --cpus 2 --timeout 120 "$ISO"
[[ $END == poweroff ]] || fail "run did not end with the partition's power-off (end: $END)"
expect com2 '^\[hv\] RTC: 2000-01-01 00:00:[0-5][0-9] \(BCD, 24-hour\): partitions' "the machine's RTC read at boot"
for kv in 'index_read 0xff' 'reg_d_valid 1' 'uip_clears ok' 'reg_a_divider 0x26' 'format bcd,24h' \
    'reg_c_irqf 0' 'time_sane ok' 'advances ok' 'seconds_step 1' 'format_switch consistent' 'set ok' 'set_back ok'; do
    expect com1 "^\[conform\] CONF rtc\.$kv\$" "rtc.$kv"
done
expect com2 "^\[hv\] partition 'gpos': its CMOS clock set to 2042-06-15 12:34:5[67] \(its own" "the set logged as gpos's own"
expect com2 "^\[hv\] partition 'gpos': its CMOS clock set to 2000-01-01 00:0[0-9]:[0-5][0-9] \(its own" "and its clock put back"
expect com2 "^\[hv\] partition 'gpos' stopped: powered off through port 0xf4 \(exit code 0\)" "the kernel powered off"
expect_not com2 'unowned port 0x7[01]' "CMOS accesses answered, not logged as unowned ports"
expect_not com2 "partition 'rtos' stopped" "the RTOS runs on"
scenario_end
