#!/bin/sh
# Builds the root file system of the Linux guest (partition 'gpos'): an
# ext4 image, made without root privileges (mke2fs -d copies a staged
# tree into it), that Linux mounts read-write as / from the IDE disk
# passed through to it (docs/LINUX.md):
#
#   mkrootfs.sh OUT.img LINUX_OUT
#
# LINUX_OUT is the build's linux directory: kver and modules/
# (tools/fetch-linux.sh), vmrpc.ko and vmrpc (../linux.mk).
# Contents: busybox-static and its applet links; the kernel's modules
# (disk, ext4, NE2000) and vmrpc.ko under /lib/modules/KVER with a
# modules.dep, so `modprobe` loads each with what it needs; /bin/vmrpc;
# cyclictest (rt-tests) with its libraries and loader; /sbin/init (the
# real init: rootfs-init here), /test.sh; /etc with passwd, group,
# hostname, and udhcpc's script (/etc/udhcpc/default.script: sets the
# address, default route and resolv.conf DHCP gave).
#
# The image is 32 256 KiB: 64 cylinders of 16 heads x 63 sectors, a
# geometry Bochs takes for a flat disk image as it is. Inode tables and
# the journal are written out now (lazy_*_init=0), so that a first mount
# starts no background zeroing of them. UUID and directory hash seed are
# fixed: the same tree gives the same image.
set -eu

out=${1:?usage: mkrootfs.sh OUT.img LINUX_OUT}
lo=${2:?LINUX_OUT}
here=$(cd "$(dirname "$0")" && pwd)
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
out=$(abs "$out")
lo=$(cd "$lo" && pwd)
bb=${BUSYBOX:-/bin/busybox}
cyclictest=${CYCLICTEST:-/usr/bin/cyclictest}
size_kib=32256
. "$here/stage.sh"

[ -x "$bb" ] || { echo "mkrootfs: $bb missing (apt-get install busybox-static)" >&2; exit 1; }
command -v mke2fs >/dev/null || { echo "mkrootfs: mke2fs missing (apt-get install e2fsprogs)" >&2; exit 1; }
kver=$(cat "$lo/kver")

stage=$out.d
rm -rf "$stage"
mkdir -p "$stage"
cd "$stage"
mkdir -p dev proc sys tmp run root mnt var/log var/lib etc/udhcpc usr/share/udhcpc
stage_busybox "$bb"
stage_modules "$bb" "$lo/modules" "$kver" "$lo/vmrpc.ko"
if [ -x "$cyclictest" ]; then
    stage_dynamic "$cyclictest" usr/bin/cyclictest
else
    echo "mkrootfs: $cyclictest missing (apt-get install rt-tests): left out" >&2
fi
cp "$lo/vmrpc" bin/vmrpc
rm -f sbin/init
cp "$here/rootfs-init" sbin/init
cp "$here/test.sh" test.sh
cp "$here/udhcpc.script" etc/udhcpc/default.script
ln -s /etc/udhcpc/default.script usr/share/udhcpc/default.script
chmod 0755 sbin/init test.sh bin/vmrpc etc/udhcpc/default.script
echo "root:x:0:0:root:/root:/bin/sh" > etc/passwd
echo "root:x:0:" > etc/group
echo "gpos" > etc/hostname
: > etc/resolv.conf

rm -f "$out.tmp"
mke2fs -q -F -t ext4 -L gpos-root -U 6d687670-6770-6f73-2d72-6f6f74667331 \
    -E lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0,hash_seed=6d687670-6770-6f73-2d68-617368736565 \
    -d "$stage" "$out.tmp" "${size_kib}k" >/dev/null ||
    { echo "mkrootfs: mke2fs failed" >&2; exit 1; }
mv "$out.tmp" "$out"
cd - >/dev/null
rm -rf "$stage"
echo "mkrootfs: $out ($size_kib KiB, ext4)"
