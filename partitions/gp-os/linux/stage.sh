# Shell functions shared by mkinitramfs.sh and mkrootfs.sh (sourced, not
# run): both trees start from the same busybox and module tree.

# stage_busybox BUSYBOX: bin/busybox and one link per applet, at the
# paths it lists, in the current directory.
stage_busybox() {
    if ldd "$1" >/dev/null 2>&1; then
        echo "$1 is dynamically linked; install busybox-static" >&2
        return 1
    fi
    mkdir -p bin
    cp "$1" bin/busybox
    for applet in $("$1" --list-full); do
        [ "$applet" = bin/busybox ] && continue
        mkdir -p "$(dirname "$applet")"
        ln -sf /bin/busybox "$applet"
    done
}

# stage_modules BUSYBOX MODTREE KVER [EXTRA.ko...]: MODTREE's
# lib/modules/KVER (tools/fetch-linux.sh) into lib/modules/KVER, debug
# info stripped (an emulator reads these), EXTRA modules into its extra/,
# and modules.dep written anew so that `modprobe NAME` finds them all.
stage_modules() {
    bb=$1 tree=$2 kver=$3
    shift 3
    [ -f "$tree/lib/modules/$kver/modules.dep" ] || { echo "no modules in $tree (tools/fetch-linux.sh)" >&2; return 1; }
    mkdir -p lib/modules
    cp -R "$tree/lib/modules/$kver" "lib/modules/$kver"
    mkdir -p "lib/modules/$kver/extra"
    for ko in "$@"; do
        cp "$ko" "lib/modules/$kver/extra/"
    done
    find "lib/modules/$kver" -name '*.ko' -exec strip --strip-debug {} + 2>/dev/null || true
    "$bb" depmod -b . "$kver"
}

# stage_dynamic PROGRAM DEST: PROGRAM at DEST with every library ldd
# names, at the same paths (the loader's too: /lib64/ld-linux-x86-64.so.2).
stage_dynamic() {
    mkdir -p "$(dirname "./$2")"
    cp "$1" "./$2"
    ldd "$1" | awk '/=> \//{print $3} /^[[:space:]]*\//{print $1}' | while read -r lib; do
        mkdir -p ".$(dirname "$lib")"
        cp -L "$lib" ".$lib"
    done
}
