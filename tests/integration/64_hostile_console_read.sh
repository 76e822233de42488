#!/usr/bin/env bash
# HC_CONSOLE_READ from a partition that is not the manager (configs/demo.c:
# only 'gpos' is): 'rtos' asks for its own emulated UART's history, then
# with every kind of bad argument, and gets HV_EPERM (-1) each time,
# nothing copied; the hypervisor logs each refusal. A refusal is an
# error code, not a stop: 'rtos' runs on and powers off itself, 'gpos'
# keeps its heartbeat. Before the hypercall existed the answer was
# HV_ENOSYS (-38), with no refusal logged.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_console_read

boot_partitions "emul_uart=0x2e8 heartbeat=10 beats=2 console_read=rtos console_read_bad=rtos exit=0" \
    "heartbeat=40 beats=8 exit=0" "exit_with=gpos"
expect_end poweroff
expect com3 '^\[rtos\] emul_uart 0x2e8: 2 lines sent$' "rtos has an emulated UART with text in it"
expect com3 '^\[rtos\] console_read rtos: error -1$' "its read refused with HV_EPERM"
expect com3 '^\[rtos\] console_read_bad rtos: outside_ram -1, straddling_end -1, name_outside -1, zero_len -1, unknown -1, unterminated -1$' \
    "refused before any argument is looked at"
expect_not com3 'console_read rtos\|' "nothing copied to it"
expect com2 "^\[hv\] partition 'rtos': HC_CONSOLE_READ refused: not the manager partition$" "refusal logged"
[[ $(text_of "$(log_file com2)" | grep -c "HC_CONSOLE_READ refused") == 7 ]] || fail "expected 7 refusals logged"
expect com2 "^\[hv\] partition 'rtos' stopped: powered off through port 0xf4 \(exit code 0\)" "rtos ran on to its own power-off"
expect com1 '^\[gpos\] heartbeat 8$' "gpos kept its heartbeat"
expect com2 "^\[hv\] exit_with=gpos: ending the run with its exit code 0" "run ended by gpos"
scenario_end
