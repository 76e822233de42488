#!/usr/bin/env bash
# Debian's stock Linux kernel in 'gpos' on two CPUs beside the RTOS demo
# (configs/linux-smp.c: a 3-CPU machine, the RTOS on CPU 1, Linux on CPUs
# 0 and 2): the kernel (uncompressed vmlinux) boots through the 64-bit
# boot protocol on the hypervisor's ACPI tables, finds both its CPUs in
# the MADT and starts the second with INIT-SIPI-SIPI through the
# hypervisor, keeps the TSC as its clocksource (no warp between its
# CPUs), finds the PCI functions passed through to it (the PIIX3 IDE as
# 00:01.0, the NE2000 as 00:02.0) and binds Debian's own drivers to
# them: its initramfs (build/linux/initramfs.cpio.gz) loads ata_piix,
# sd_mod and ext4 and mounts the root file system from the IDE disk (a
# copy of build/linux/rootfs.img) read-write; the root's /sbin/init
# (vmrpc_mode=test) loads vmrpc.ko, brings the NE2000 up (ne2k-pci) with
# an address by DHCP from Bochs's slirp, and its test script
# (partitions/gp-os/linux/test.sh) checks, from Linux user space: the
# root file system, a file written to the disk (a token from this
# script), the address, a wget from an HTTP server this script runs on
# the host machine (10.0.2.2 inside: a random line it must fetch) and an
# upload to a TCP listener here (that line and its md5 must arrive), its
# wall clock (read at boot from its CMOS clock), both CPUs online and a
# call from the second, the RTOS's sysinfo and echo through /dev/vmrpc, a
# `vmrpc bench`, the driver's sysfs statistics, the RTOS's UDP latency
# datagrams arriving through the net module Linux serves (socket
# outsourcing), Linux's own sysinfo served to the RTOS, errors,
# cyclictest, and rmmod refused while the device is open. Linux then
# remounts / read-only and powers off through its ACPI sleep register
# (its other CPU halted with interrupts disabled first, which must not
# stop the partition) while the RTOS keeps running and answering.
# A second, short boot on the same disk (vmrpc_mode=readback, no token
# given) must read the first boot's token back, with no journal
# recovery at mount (the first boot left the file system clean).
. "$(dirname "$0")/lib.sh"
scenario_begin linux_gpos

# The host side of the network checks, and the disk (a copy: the build's
# image stays pristine).
TOKEN=tok$RANDOM$RANDOM
mkdir -p "$DIR/www"
echo "probe $RANDOM$RANDOM$RANDOM from the host" >"$DIR/www/probe.txt"
host_http HTTP_PORT "$DIR/www"
host_sink UPLOAD_PORT "$DIR/upload.txt"
cp "$BUILD/linux/rootfs.img" "$DIR/disk.img" || fail "no $BUILD/linux/rootfs.img"
HV_ELF=$BUILD/linux-smp/hv.elf BUILD=$BUILD "$ROOT/tools/mklinux-iso.sh" "$DIR/hv.iso" "exit_with=gpos" "app=demo" test \
    "gpos_token=$TOKEN gpos_http=10.0.2.2:$HTTP_PORT gpos_upload=10.0.2.2:$UPLOAD_PORT" >"$DIR/mkiso.out" 2>&1 ||
    fail "mkiso"
# Ends when Linux powers off (exit_with=gpos: the machine itself stops,
# so every log is complete; killing Bochs on a match could cut them).
"$ROOT/tools/bochs-run.sh" --out "$DIR" --cpus 3 --timeout 600 --disk "$DIR/disk.img" "$DIR/hv.iso" >"$DIR/run.out" 2>&1
[[ $(cat "$DIR/end" 2>/dev/null) == poweroff ]] || fail "run did not end with Linux's power-off"
C1=$DIR/com1.log C2=$DIR/com2.log C3=$DIR/com3.log
# The devices: passed through by the hypervisor, found and driven by
# Debian's drivers (ata_piix in PIO mode: the IDE's bus-master BAR is
# hidden; the disk on the secondary channel).
expect "$C2" "^\[hv\] pci: 00:01\.1 8086:7010 .*-> gpos as 00:01\.0" "the PIIX3 IDE assigned to gpos"
expect "$C2" "^\[hv\] pci: 00:02\.0 10ec:8029 .*-> gpos" "the NE2000 assigned to gpos"
expect "$C1" 'pci 0000:00:01\.0: \[8086:7010\]' "Linux finds the IDE controller"
expect "$C1" 'pci 0000:00:02\.0: \[10ec:8029\]' "Linux finds the NE2000"
expect "$C1" 'ata[0-9]\.00: ATA-[0-9]+: ' "ata_piix finds the disk"
expect "$C1" 'sd [0-9:]+: \[sda\] 64512 512-byte logical blocks' "the disk is sda"
expect "$C1" '^init: root file system /dev/sda \(ext4, read-write\), switching to its /sbin/init' "root on the IDE disk"
expect "$C1" 'ne2k-pci 0000:00:02\.0 eth0: ' "ne2k-pci drives the NE2000"
expect "$C1" '^init: eth0 10\.0\.2\.15/24 router 10\.0\.2\.2 ' "address by DHCP from slirp"
expect_not "$C2" "partition 'gpos' stopped: IOAPIC" "no IOAPIC refusal on Linux's device interrupts"
for t in rootfs disk-write net-dhcp net-http net-upload; do
    expect "$C1" "^LINUX-TEST $t PASS" "Linux test '$t'"
done
expect "$C1" "^LINUX-TEST disk-write PASS token=$TOKEN " "the token written to the disk"
expect "$C1" "^LINUX-TEST net-http PASS .*'$(cat "$DIR/www/probe.txt")'" "Linux fetched the host's probe line"
expect "$DIR/www.log" 'url:/probe\.txt' "the host's HTTP server served it"
want="gpos-upload $(cat "$DIR/www/probe.txt") $(md5sum <"$DIR/www/probe.txt" | cut -d' ' -f1)"
[[ $(cat "$DIR/upload.txt" 2>/dev/null) == "$want" ]] || fail "the host's listener got '$(head -c 200 "$DIR/upload.txt" 2>/dev/null)', expected '$want'"
expect "$C1" 'EXT4-fs \(sda\): re-mounted' "/ remounted read-only before the power-off"
expect "$C2" "^\[hv\] partition 'gpos': 'gpos.elf' loaded, entry 0x1000000 \(Linux 64-bit boot protocol\)" "vmlinux loaded by the Linux boot protocol"
expect "$C1" 'Linux version 6\.[0-9.]+-[0-9]+-amd64' "Debian kernel banner"
# gpos starts in xAPIC mode, as a CPU leaves reset; Linux switches
# itself to x2APIC through IA32_APIC_BASE (vmx/apic_mode.c), on both CPUs
# alike (no x2APIC lock is reported to it).
expect "$C1" 'Switched APIC routing to physical x2apic' "Linux switches to the x2APIC"
expect_not "$C1" 'x2apic lock mismatch' "no x2APIC lock claimed"
expect "$C1" 'smpboot: Allowing 2 CPUs' "Linux finds its two CPUs in the MADT"
expect "$C1" 'smp: Brought up 1 node, 2 CPUs' "Linux brings up its second CPU"
expect "$C2" "cpu 2: entering partition 'gpos' \(waiting for its INIT-SIPI\)" "Linux's second CPU waits for its INIT-SIPI"
expect "$C2" '^\[hv\] cpu 2 exits: [0-9]+ total,.* SIPI 1,' "its SIPI reached it through the hypervisor"
expect "$C1" 'clocksource: Switched to clocksource tsc$' "the TSC stays Linux's clocksource"
expect_not "$C1" 'TSC warp|Marking TSC unstable|TSC ADJUST|tsc: .*unstable' "no TSC warp between Linux's CPUs"
expect_not "$C2" "unowned port 0xcf[89a-f]" "PCI configuration accesses answered by the emulation, not as unowned ports"
expect_not "$C1" 'PCI: Using configuration type 2' "no configuration mechanism #2 found"
expect "$C1" 'PCI: MMCONFIG for domain 0000 \[bus 00-00\] at \[mem 0xb0000000-0xb00fffff\]' "Linux finds its ECAM window in the MCFG"
expect "$C1" 'PCI: MMCONFIG at \[mem 0xb0000000-0xb00fffff\] reserved' "the window is reserved in its e820 map"
expect_not "$C1" 'PCI: Using configuration type 1 for extended access' "extended registers through the ECAM window"
expect_not "$C2" "partition 'gpos' stopped: .*ECAM" "Linux's ECAM accesses all emulated"
# Linux prints "TSC" only when the rate differs from its "processor" one;
# the hypervisor's calibration lands within 10 ppm of 50 MHz.
expect "$C1" 'tsc: Detected (49\.99[0-9]|50\.00[0-9]) MHz (TSC|processor)' "TSC rate from CPUID 0x15"
expect "$C1" 'ttyS0 at I/O 0x3f8 \(irq = [0-9]+' "COM1 found through the DSDT"
# Its wall clock from the partition's CMOS clock (hv/rtc_cmos.h): read
# at once (no wait for an update-in-progress bit that never clears).
expect_not "$C1" 'Unable to read current time from RTC' "Linux read its CMOS clock"
expect "$C1" '^init: reached /init' "Linux reached /init"
expect "$C1" 'vmrpc: notifications on GSI 22 = IRQ [0-9]+' "vmrpc.ko takes its notification IRQ"
expect "$C1" '^LINUX-TEST cpus PASS processors=2 online=0-1 ' "both CPUs online, a call from the second"
for t in rtc module cpus serve list sysinfo echo bench serve-quiet stats irq-cpu0 irq-cpu1 udp served error rmmod; do
    expect "$C1" "^LINUX-TEST $t PASS" "Linux test '$t'"
done
expect "$C1" '^LINUX-TEST done passed=[0-9]+ failed=0' "Linux test script: no failure"
expect "$C1" "^LINUX-TEST sysinfo PASS .*rtos" "sysinfo answered by the RTOS"
expect "$C3" "^\[rtos\] gpos sysinfo: os 'Linux 6\.[^']*', uptime [0-9]+ ms, memory used [0-9]+ MiB of [0-9]+ MiB" "the RTOS reads Linux's sysinfo"
expect "$C3" '^\[rtos\] net: UDP socket to 127\.0\.0\.1:5005 through gpos/net' "RTOS socket through Linux"
expect "$C2" "^\[hv\] partition 'gpos' stopped: powered off through its ACPI sleep control register \(SLP_TYP 5\)" "Linux powered off through ACPI"
expect_not "$C2" "partition 'rtos' stopped" "the RTOS was not stopped"
expect_not "$C1" 'Kernel panic|BUG:|Oops' "no kernel panic or oops"
expect "$C3" '^\[rtos\] gpos sysinfo: EPIPE' "the RTOS sees Linux's servers go (rmmod), and runs on"
expect_not "$C3" 'deadline misses [1-9]' "no RTOS deadline misses"

# Boot 2, on the same disk: the token is read back (nothing on this
# command line names it).
mkdir -p "$DIR/boot2"
HV_ELF=$BUILD/linux-smp/hv.elf BUILD=$BUILD "$ROOT/tools/mklinux-iso.sh" "$DIR/boot2/hv.iso" "exit_with=gpos" "app=demo" readback \
    >"$DIR/boot2/mkiso.out" 2>&1 || fail "mkiso (boot 2)"
"$ROOT/tools/bochs-run.sh" --out "$DIR/boot2" --cpus 3 --timeout 600 --disk "$DIR/disk.img" "$DIR/boot2/hv.iso" >"$DIR/boot2/run.out" 2>&1
[[ $(cat "$DIR/boot2/end" 2>/dev/null) == poweroff ]] || fail "boot 2 did not end with Linux's power-off"
expect "$DIR/boot2/com1.log" '^init: root file system /dev/sda \(ext4, read-write\)' "boot 2: root on the IDE disk"
expect "$DIR/boot2/com1.log" "^LINUX-TEST persist PASS token=$TOKEN boots=1\$" "boot 2 reads boot 1's token back"
expect "$DIR/boot2/com1.log" '^LINUX-TEST clean PASS' "boot 2: no journal recovery (boot 1 unmounted cleanly)"
expect "$DIR/boot2/com1.log" '^LINUX-TEST done passed=[0-9]+ failed=0' "boot 2: no failure"
scenario_end
