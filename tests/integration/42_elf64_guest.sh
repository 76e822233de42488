#!/usr/bin/env bash
# An ELF64 kernel (no multiboot header) gets the direct 64-bit entry:
# identity-mapped long mode, RAX = 0x2BADB002, RBX = its multiboot info.
# It prints through HC_CONSOLE_WRITE with 64-bit arguments and powers off
# with exit code 0x40.
. "$(dirname "$0")/lib.sh"
scenario_begin elf64_guest

make_iso "exit_with=gpos" "$TESTPART@rtos.elf:heartbeat=50" "$BUILD/partitions/hello64.elf@gpos.elf:hello64 arg1 arg2=x"
boot_bochs --cpus 2 --timeout 180 "$ISO"

expect_end poweroff
expect com2 "^\[hv\] partition 'gpos': 'gpos.elf' loaded, entry 0x[0-9a-f]+ \(64-bit\)" "loaded for a 64-bit entry"
expect com2 "^\[hv\] gpos: hello from 64-bit mode, rax=0x0*2badb002 ok" "64-bit entry state"
expect com2 "^\[hv\] gpos: cmdline: console=com1 hello64 arg1 arg2=x" "its multiboot command line"
expect com2 "^\[hv\] gpos: partition name: gpos" "partition info with a 64-bit buffer address"
expect com2 "^\[hv\] partition 'gpos' stopped: powered off through port 0xf4 \(exit code 64\)" "its own power-off"
expect com3 "^\[rtos\] test kernel up" "the other partition ran meanwhile"
scenario_end
