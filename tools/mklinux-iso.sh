#!/usr/bin/env bash
# An ISO with the RTOS and Debian's Linux side by side (configs/demo.c:
# 'rtos' and 'gpos'; build/linux: vmlinux and initramfs, docs/LINUX.md).
#   tools/mklinux-iso.sh OUT.iso "HV COMMAND LINE" "RTOS ARGS" MODE
# MODE is /init's vmrpc_mode: shell (the demo) or test (runs
# partitions/gp-os/linux/test.sh, then powers off). Linux gets only COM1
# (8250.nr_uarts=1): the other legacy UARTs are the hypervisor's and the
# RTOS's. BUILD (environment) is the build directory (default build);
# HV_ELF (environment) the hypervisor image (default $BUILD/hv.elf, the
# 2-CPU configs/demo.c; the Linux scenarios and the bench give
# $BUILD/linux-smp/hv.elf, configs/linux-smp.c: 3 CPUs, Linux on two).
set -euo pipefail
out=$1 hv_cmdline=$2 rtos_args=$3 mode=$4
build=${BUILD:-build}
hv_elf=${HV_ELF:-$build/hv.elf}
exec "$(dirname "$0")/mkiso.sh" "$out" "$hv_elf" "$hv_cmdline" \
    "$build/partitions/rtos.elf@rtos.elf:$rtos_args" \
    "$build/linux/vmlinux@gpos.elf:console=ttyS0,115200 8250.nr_uarts=1 vmrpc_mode=$mode" \
    "$build/linux/initramfs.cpio.gz@gpos+initrd"
