#!/usr/bin/env bash
# The cost of the device models (test kernel bench=devices in 'rtos',
# which has the emulated UART at 0x2e8): one OUT to the emulated THR, one
# CONFIG_DATA dword read of the emulated PCI configuration space, the same
# register read through its ECAM window (an EPT violation, decoded), and one
# read of a port nothing answers (0x80, the absent-device path), each the
# minimum of 1000 RDTSC-timed exits (Bochs: exact instruction counts).
# The 1000 bytes sent appear as log lines of 'x' (256 a line). Figures go
# to the notes; tools/bench.sh reports the same three.
. "$(dirname "$0")/lib.sh"
scenario_begin device_bench

boot_partitions "bench=devices ecam=0xb0000000" "heartbeat=100 beats=6 exit=0" "exit_with=gpos"
expect_end poweroff
for name in emul_uart_out_ticks pci_cfg_read_ticks pci_ecam_read_ticks unowned_port_ticks; do
    v=$(first_match com3 "^\[rtos\] BENCH $name ([0-9]+) avg [0-9]+ .*")
    if [[ -z $v || $v -le 0 ]]; then
        fail "no $name figure"
    else
        note "$name $v"
    fi
done
expect com2 "^\[hv\] rtos: x{256}$" "the THR bytes reached the log as lines"
[[ $(text_of "$(log_file com2)" | grep -Eo '^\[hv\] rtos: x+$' | tr -cd x | wc -c) == 1000 ]] ||
    fail "expected the 1000 bytes sent, no more, no fewer"
expect_not com2 "unowned port 0x2e[89a-f]|unowned port 0xcf[89a-f]" "UART and PCI ports answered by models"
expect com2 "^\[hv\] partition 'rtos': read of unowned port 0x80 \(no device there\)" "0x80 took the absent-device path"
scenario_end
