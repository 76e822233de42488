#!/bin/sh
# Fetch Debian's stock kernel matching the installed linux-headers-*-amd64
# and extract the uncompressed vmlinux from its bzImage (loading vmlinux
# directly saves Bochs a minute of in-guest xz decompression; see
# ../shared/EMULATION.md "Linux as a guest").
#
#   tools/fetch-linux.sh OUTDIR   -> OUTDIR/vmlinux, OUTDIR/kver, and
#                                    OUTDIR/vmlinuz (the bzImage, for QEMU)
#
# Idempotent: does nothing when OUTDIR/vmlinux is a valid ELF for the
# headers' version. Downloads with `apt-get download` (no install, works
# as root or user). Never commit the results (build/ is git-ignored).
set -eu

out=${1:?usage: fetch-linux.sh OUTDIR}
mkdir -p "$out"

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

if [ -f "$out/vmlinux" ] && [ "$(cat "$out/kver" 2>/dev/null)" = "$kver" ] && valid_elf "$out/vmlinux"; then
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
mv "$out/vmlinux.tmp" "$out/vmlinux"
cp "$vmlinuz" "$out/vmlinuz"
echo "$kver" > "$out/kver"
rm -rf "$work"
echo "fetch-linux: $out/vmlinux ($kver, $(wc -c < "$out/vmlinux") bytes)"
