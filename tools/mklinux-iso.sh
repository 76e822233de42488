#!/usr/bin/env bash
# An ISO with the RTOS and Debian's Linux side by side (configs/demo.c:
# 'rtos' and 'gpos'; build/linux: vmlinux and initramfs, docs/LINUX.md).
#   tools/mklinux-iso.sh OUT.iso "HV COMMAND LINE" "RTOS ARGS" MODE ["LINUX ARGS"]
# MODE is the root file system's vmrpc_mode: shell (the demo), test (runs
# partitions/gp-os/linux/test.sh, then powers off), readback (test.sh's
# disk checks only) or load (disk and network I/O without end). LINUX
# ARGS are more words for Linux's command line (gpos_token=,
# gpos_http=, gpos_upload=, gpos_report=: rootfs-init and test.sh).
# Linux gets only COM1 (8250.nr_uarts=1): the other legacy UARTs are the
# hypervisor's and the RTOS's. Its root file system is on the IDE disk
# (build/linux/rootfs.img: boot a copy of it with tools/bochs-run.sh
# --disk COPY; without a disk the initramfs says so and stays). BUILD
# (environment) is the build directory (default build); HV_ELF
# (environment) the hypervisor image (default $BUILD/hv.elf, the 2-CPU
# configs/demo.c; the Linux scenarios and the bench give
# $BUILD/linux-smp/hv.elf, configs/linux-smp.c: 3 CPUs, Linux on two).
set -euo pipefail
out=$1 hv_cmdline=$2 rtos_args=$3 mode=$4 linux_args=${5:-}
build=${BUILD:-build}
hv_elf=${HV_ELF:-$build/hv.elf}
exec "$(dirname "$0")/mkiso.sh" "$out" "$hv_elf" "$hv_cmdline" \
    "$build/partitions/rtos.elf@rtos.elf:$rtos_args" \
    "$build/linux/vmlinux@gpos.elf:console=ttyS0,115200 8250.nr_uarts=1 vmrpc_mode=$mode${linux_args:+ $linux_args}" \
    "$build/linux/initramfs.cpio.gz@gpos+initrd"
