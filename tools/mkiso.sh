#!/usr/bin/env bash
# Builds a hybrid (BIOS CD and USB-stick) GRUB ISO.
#   tools/mkiso.sh OUT.iso HV.ELF "HV COMMAND LINE" [FILE[@NAME][:ARGS]...]
# Each module is loaded with `module --nounzip /boot/NAME NAME ARGS`; NAME
# defaults to the file's basename. The hypervisor finds partition images by
# NAME (configs/*.c), and appends ARGS to that partition's command line.
# Write it to a stick with: dd if=OUT.iso of=/dev/sdX bs=4M conv=fsync
set -euo pipefail
out=$1 hv=$2 cmdline=$3
shift 3
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
tree=$stage/iso
mkdir -p "$tree/boot/grub"
cp "$hv" "$tree/boot/hv.elf"
{
    echo "set timeout=0"
    echo "set default=0"
    echo "serial --unit=0 --speed=115200"
    echo "terminal_output console serial"
    echo "menuentry 'microhypervisor' {"
    echo "    multiboot /boot/hv.elf $cmdline"
    for spec in "$@"; do
        file=${spec%%:*}
        args=""
        [[ $spec == *:* ]] && args=${spec#*:}
        name=$(basename "$file")
        if [[ $file == *@* ]]; then
            name=${file#*@}
            file=${file%@*}
        fi
        cp "$file" "$tree/boot/$name"
        echo "    module --nounzip /boot/$name $name $args"
    done
    echo "    boot"
    echo "}"
} > "$tree/boot/grub/grub.cfg"
mkdir -p "$(dirname "$out")"
grub-mkrescue -o "$out" "$tree" >/dev/null 2>"$stage/mkrescue.log" || {
    cat "$stage/mkrescue.log" >&2
    exit 1
}
