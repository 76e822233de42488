#!/usr/bin/env bash
# An emulated 16550 (configs/demo.c: 'rtos' has one at 0x2e8, COM4;
# hv/uart_model.h, reached through the port dispatch generated from the
# config, tools/gen_io_dispatch.c) and the manager's read of it
# (HC_CONSOLE_READ). The test kernel in 'rtos' probes it as Linux's 8250
# driver does (scratch, IER, FIFO bits, loopback) and sends two lines
# through it (the second with terminal escapes): they appear in the
# hypervisor log as "[hv] rtos: ..." lines, escapes made harmless. 'gpos'
# (the manager) reads them back with HC_CONSOLE_READ, then calls it with
# a bad buffer of each kind and gets an error code each time, and powers
# off normally. Before the model, the probe read all ones, no line
# reached the log, and the hypercall was unknown (HV_ENOSYS).
. "$(dirname "$0")/lib.sh"
scenario_begin emul_uart

boot_partitions "emul_uart=0x2e8 heartbeat=20 beats=3 exit=0" \
    "heartbeat=40 beats=3 console_read=rtos console_read_bad=rtos exit=0" "exit_with=gpos"
expect_end poweroff
expect com3 '^\[rtos\] emul_uart 0x2e8: scratch ok, ier ok, fifo 16550A, loopback ok, lsr 0x60, iir 0xc1$' \
    "the model probes as a 16550A"
expect com3 '^\[rtos\] emul_uart 0x2e8: 2 lines sent$' "rtos sent its lines"
expect com2 '^\[hv\] rtos: hello from rtos through an emulated 16550$' "first line in the hypervisor log, prefixed"
expect com2 '^\[hv\] rtos: second line \.\[31mcolour\.\[0m$' "escapes in the log made harmless"
expect com1 '^\[gpos\] console_read rtos: [0-9]+ bytes$' "the manager read the history"
expect com1 '^\[gpos\] console_read rtos\| hello from rtos through an emulated 16550$' "first line read back"
expect com1 '^\[gpos\] console_read rtos\| second line \.\[31mcolour\.\[0m$' "second line read back"
expect com1 '^\[gpos\] console_read_bad rtos: outside_ram -14, straddling_end -14, name_outside -14, zero_len -22, unknown -2, unterminated -22$' \
    "each bad argument refused with its error"
expect com2 "^\[hv\] partition 'gpos' stopped: powered off through port 0xf4 \(exit code 0\)" "the manager ran on"
expect com2 "^\[hv\] partition 'rtos' stopped: powered off through port 0xf4 \(exit code 0\)" "rtos ran on"
expect_not com2 'unowned port 0x2e[89a-f]' "the UART's ports are answered, not absent"
expect_not com2 'HC_CONSOLE_READ refused' "the manager is not refused"
scenario_end
