#!/bin/sh
# Builds the initramfs of the Linux guest (partition 'gpos'):
#
#   mkinitramfs.sh OUT.cpio.gz VMRPC_KO VMRPC_CLI
#
# Contents: busybox-static (/bin/busybox and its applet links),
# cyclictest (rt-tests) with its shared libraries and the dynamic
# loader, /lib/modules/vmrpc.ko (debug info stripped: the image is read
# by an emulator), /bin/vmrpc, /init and /test.sh (this directory).
# Packed with busybox cpio (newc) and gzip; no root needed: /dev and
# /dev/console, which the kernel needs before /init runs, are written as
# a hand-made newc archive in front of the tree's.
set -eu

out=${1:?usage: mkinitramfs.sh OUT.cpio.gz VMRPC_KO VMRPC_CLI}
ko=${2:?vmrpc.ko}
cli=${3:?vmrpc CLI}
here=$(cd "$(dirname "$0")" && pwd)
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
out=$(abs "$out")
ko=$(abs "$ko")
cli=$(abs "$cli")
bb=${BUSYBOX:-/bin/busybox}
cyclictest=${CYCLICTEST:-/usr/bin/cyclictest}

[ -x "$bb" ] || { echo "mkinitramfs: $bb missing (apt-get install busybox-static)" >&2; exit 1; }
if ldd "$bb" >/dev/null 2>&1; then
    echo "mkinitramfs: $bb is dynamically linked; install busybox-static" >&2
    exit 1
fi

stage=$out.d
rm -rf "$stage"
mkdir -p "$stage"
cd "$stage"
mkdir -p bin sbin usr/bin usr/sbin lib/modules proc sys tmp root etc run var/log

# busybox and one link per applet, at the paths it lists.
cp "$bb" bin/busybox
for applet in $("$bb" --list-full); do
    [ "$applet" = bin/busybox ] && continue
    mkdir -p "$(dirname "$applet")"
    ln -sf /bin/busybox "$applet"
done

# cyclictest with every library ldd names, at the same paths (the
# loader's too: /lib64/ld-linux-x86-64.so.2).
if [ -x "$cyclictest" ]; then
    cp "$cyclictest" usr/bin/cyclictest
    ldd "$cyclictest" | awk '/=> \//{print $3} /^[[:space:]]*\//{print $1}' | while read -r lib; do
        mkdir -p ".$(dirname "$lib")"
        cp -L "$lib" ".$lib"
    done
else
    echo "mkinitramfs: $cyclictest missing (apt-get install rt-tests): left out" >&2
fi

cp "$ko" lib/modules/vmrpc.ko
strip --strip-debug lib/modules/vmrpc.ko 2>/dev/null || true
cp "$cli" bin/vmrpc
cp "$here/init" init
cp "$here/test.sh" test.sh
chmod 0755 init test.sh bin/vmrpc
echo "root:x:0:0:root:/root:/bin/sh" > etc/passwd
echo "root:x:0:" > etc/group
echo "gpos" > etc/hostname

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
