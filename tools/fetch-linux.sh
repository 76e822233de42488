#!/bin/sh
# Fetch Debian's stock kernel matching the installed linux-headers-*-amd64,
# extract the uncompressed vmlinux from its bzImage (loading vmlinux
# directly saves Bochs a minute of in-guest xz decompression; see
# ../shared/EMULATION.md "Linux as a guest"), and keep the few modules
# the partition needs from the same package (docs/LINUX.md).
#
#   tools/fetch-linux.sh OUTDIR   -> OUTDIR/vmlinux, OUTDIR/kver,
#                                    OUTDIR/vmlinuz (the bzImage, for QEMU),
#                                    OUTDIR/modules/lib/modules/KVER/
#
# Modules kept (with every module modules.dep says they need; the rest of
# the package is dropped): the disk (ata_piix: the PIIX3 IDE, libata,
# scsi_mod, sd_mod), its file system (ext4, jbd2, mbcache, crc16, and
# crc32c_generic: ext4's metadata checksums ask the crypto API for
# "crc32c" at mount time, which no modules.dep line names) and the
# network card (ne2k-pci, 8390). The tree keeps the package's layout
# with a modules.dep and modules.alias for those modules (busybox depmod:
# the package has none), so busybox modprobe works on it. LINUX_MODULES
# (environment) replaces the list.
#
# Idempotent: does nothing when OUTDIR/vmlinux is a valid ELF for the
# headers' version and the module tree holds the list. Downloads with
# `apt-get download` (no install, works as root or user). Never commit
# the results (build/ is git-ignored).
set -eu

out=${1:?usage: fetch-linux.sh OUTDIR}
mkdir -p "$out"
modules=${LINUX_MODULES:-ata_piix sd_mod ext4 crc32c_generic ne2k-pci}
bb=${BUSYBOX:-/bin/busybox}
[ -x "$bb" ] || { echo "fetch-linux: $bb missing (apt-get install busybox-static)" >&2; exit 1; }

# The kernel version the module is built against: the installed headers.
kver=
for d in /usr/src/linux-headers-*-amd64; do
    [ -d "$d" ] && kver=${d#/usr/src/linux-headers-}
done
if [ -z "$kver" ]; then
    kver=$(dpkg-query -W -f '${Package}\n' 'linux-headers-*-amd64' 2>/dev/null |
        sed -n 's/^linux-headers-\(.*-amd64\)$/\1/p' | sort -V | tail -n 1)
fi
[ -n "$kver" ] || { echo "fetch-linux: no linux-headers-*-amd64 installed (tools/setup-deps.sh)" >&2; exit 1; }

valid_elf() { readelf -h "$1" 2>/dev/null | grep -q 'Class:.*ELF64'; }
moddir=$out/modules/lib/modules/$kver
# modules.dep names a module by its path; '-' and '_' are one in names.
mod_line() { # NAME -> its modules.dep line in DEP
    n=$(echo "$1" | tr - _)
    awk -v n="$n" -F: '{ f = $1; sub(/.*\//, "", f); sub(/\.ko(\.[a-z]+)?$/, "", f); gsub(/-/, "_", f); if (f == n) { print; exit } }' "$2"
}
modules_ok() {
    [ -f "$moddir/modules.dep" ] && [ "$(cat "$out/modules/list" 2>/dev/null)" = "$modules" ]
}

if [ -f "$out/vmlinux" ] && [ "$(cat "$out/kver" 2>/dev/null)" = "$kver" ] && valid_elf "$out/vmlinux" && modules_ok; then
    exit 0
fi

work=$out/pkg
rm -rf "$work"
mkdir -p "$work"
# apt-get download writes into the current directory; as root, apt's
# sandbox user must be able to write there, hence the chmod.
chmod 777 "$work"
(cd "$work" && apt-get download "linux-image-$kver") ||
    { echo "fetch-linux: apt-get download linux-image-$kver failed (apt-get update?)" >&2; exit 1; }
deb=$(ls "$work"/linux-image-"$kver"_*.deb | head -n 1)
dpkg-deb -x "$deb" "$work/root"
vmlinuz=$work/root/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || { echo "fetch-linux: $vmlinuz missing from $deb" >&2; exit 1; }

# The bzImage carries the kernel as one xz stream: find its magic
# (fd 37 7a 58 5a 00) and decompress from there. xz complains about the
# bytes after the stream (the rest of the setup image): ignore that and
# judge the result instead.
off=$(LC_ALL=C grep -obUaP '\xfd\x37\x7a\x58\x5a\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || { echo "fetch-linux: no xz stream in $vmlinuz" >&2; exit 1; }
tail -c +"$((off + 1))" "$vmlinuz" | xz -dc > "$out/vmlinux.tmp" 2>/dev/null || true
valid_elf "$out/vmlinux.tmp" || { echo "fetch-linux: decompressed payload at offset $off is not an ELF64" >&2; exit 1; }

# The modules: the list and their dependencies, closed over modules.dep.
# The package ships no modules.dep (depmod writes it at install time):
# busybox's depmod writes one, for the whole package first (to learn the
# dependencies), then for the kept tree (its own modules.dep and
# modules.alias).
src=$work/root/lib/modules/$kver
root=$work/root
[ -d "$src" ] || { src=$work/root/usr/lib/modules/$kver; root=$work/root/usr; }
[ -d "$src/kernel" ] || { echo "fetch-linux: no lib/modules/$kver/kernel in $deb" >&2; exit 1; }
"$bb" depmod -b "$root" "$kver" || { echo "fetch-linux: $bb depmod failed" >&2; exit 1; }
rm -rf "$out/modules"
mkdir -p "$moddir"
for m in $modules; do
    line=$(mod_line "$m" "$src/modules.dep")
    [ -n "$line" ] || { echo "fetch-linux: module $m not in $deb (built in?)" >&2; exit 1; }
    # depmod writes each module's whole closure on its line.
    for f in $(echo "$line" | tr -d :); do
        mkdir -p "$moddir/$(dirname "$f")"
        cp "$src/$f" "$moddir/$f"
    done
done
cp "$src/modules.builtin" "$src/modules.order" "$moddir/" 2>/dev/null || true
"$bb" depmod -b "$out/modules" "$kver" || { echo "fetch-linux: $bb depmod failed" >&2; exit 1; }
echo "$modules" > "$out/modules/list"

mv "$out/vmlinux.tmp" "$out/vmlinux"
cp "$vmlinuz" "$out/vmlinuz"
echo "$kver" > "$out/kver"
rm -rf "$work"
echo "fetch-linux: $out/vmlinux ($kver, $(wc -c < "$out/vmlinux") bytes), $(wc -l < "$moddir/modules.dep") modules in $moddir"
