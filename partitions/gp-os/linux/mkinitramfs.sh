#!/bin/sh
# Builds the initramfs of the Linux guest (partition 'gpos'): only what
# mounting the root file system from the IDE disk takes (mkrootfs.sh
# builds that one, with everything else):
#
#   mkinitramfs.sh OUT.cpio.gz LINUX_OUT
#
# LINUX_OUT is the build's linux directory (kver and modules/ from
# tools/fetch-linux.sh). Contents: busybox-static (/bin/busybox and its
# applet links), the kernel's modules under /lib/modules/KVER with a
# modules.dep (the disk's are the ones /init loads), and /init (this
# directory's `init`). Packed with busybox cpio (newc) and gzip; no root
# needed: /dev and /dev/console, which the kernel needs before /init
# runs, are written as a hand-made newc archive in front of the tree's.
set -eu

out=${1:?usage: mkinitramfs.sh OUT.cpio.gz LINUX_OUT}
lo=${2:?LINUX_OUT}
here=$(cd "$(dirname "$0")" && pwd)
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
out=$(abs "$out")
lo=$(cd "$lo" && pwd)
bb=${BUSYBOX:-/bin/busybox}
. "$here/stage.sh"

[ -x "$bb" ] || { echo "mkinitramfs: $bb missing (apt-get install busybox-static)" >&2; exit 1; }
kver=$(cat "$lo/kver")

stage=$out.d
rm -rf "$stage"
mkdir -p "$stage"
cd "$stage"
mkdir -p proc sys tmp newroot
stage_busybox "$bb"
# The disk's modules only: the network card's are the root's business.
stage_modules "$bb" "$lo/modules" "$kver" "$lo/vmrpc.ko"
# vmrpc.ko and the tool: /init reads the boot's exit count with them.
cp "$lo/vmrpc" bin/vmrpc
rm -rf "lib/modules/$kver/kernel/drivers/net"
"$bb" depmod -b . "$kver"
cp "$here/init" init
chmod 0755 init

# newc header for one entry with no data: name, mode (octal), rdev major/minor.
newc() {
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        "$4" "$(( $2 ))" 0 0 1 0 0 0 0 "$3" "$5" "$(( ${#1} + 1 ))" 0
    printf '%s\0' "$1"
    pad=$(( (4 - (110 + ${#1} + 1) % 4) % 4 ))
    [ "$pad" -eq 0 ] || head -c "$pad" /dev/zero
}
{
    newc dev 040755 0 1 0
    newc dev/console 020600 5 2 1
    newc TRAILER!!! 0 0 3 0
    # The tree, sorted for a reproducible archive.
    find . -mindepth 1 | LC_ALL=C sort | "$bb" cpio -o -H newc -R 0:0 2>/dev/null
} | gzip -9n > "$out.tmp"
mv "$out.tmp" "$out"
cd - >/dev/null
rm -rf "$stage"
echo "mkinitramfs: $out ($(wc -c < "$out") bytes)"
