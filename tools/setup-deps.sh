#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the demo need, when
# any is missing. Safe to run repeatedly; does nothing when all are there.
set -euo pipefail

packages=(
    gcc make binutils libc6-dev         # build (host tests use gcc's ASan/UBSan)
    clang libclang-rt-14-dev            # VMRPC fuzzing (libFuzzer runtime: libclang-rt-14-dev)
    grub-pc-bin grub-common xorriso mtools  # GRUB ISO
    bochs bochs-term bochsbios vgabios  # emulated VT-x machine (bochs-term: its lightest GUI dependency)
    qemu-system-x86 ipxe-qemu           # TCG boot check (ipxe-qemu: the NIC option ROM)
    gnuplot-nox                         # latency histograms (make bench)
    linux-headers-amd64 busybox-static rt-tests  # the Linux partition: vmrpc.ko, initramfs, cyclictest
    e2fsprogs                           # its root file system image (mke2fs -d)
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup-deps: installing ${missing[*]}"
sudo=""
[[ $(id -u) == 0 ]] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
