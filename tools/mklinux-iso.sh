#!/usr/bin/env bash
# An ISO with the RTOS and Debian's Linux side by side (configs/demo.c:
# 'rtos' and 'gpos'; build/linux: vmlinux and initramfs, docs/LINUX.md).
#   tools/mklinux-iso.sh OUT.iso "HV COMMAND LINE" "RTOS ARGS" MODE
# MODE is /init's vmrpc_mode: shell (the demo) or test (runs
# partitions/gp-os/linux/test.sh, then powers off). Linux gets only COM1
# (8250.nr_uarts=1): the other legacy UARTs are the hypervisor's and the
# RTOS's. BUILD (environment) is the build directory (default build).
set -euo pipefail
out=$1 hv_cmdline=$2 rtos_args=$3 mode=$4
build=${BUILD:-build}
exec "$(dirname "$0")/mkiso.sh" "$out" "$build/hv.elf" "$hv_cmdline" \
    "$build/partitions/rtos.elf@rtos.elf:$rtos_args" \
    "$build/linux/vmlinux@gpos.elf:console=ttyS0,115200 8250.nr_uarts=1 vmrpc_mode=$mode" \
    "$build/linux/initramfs.cpio.gz@gpos+initrd"
