#!/usr/bin/env bash
# Debian's stock Linux kernel in 'gpos' beside the RTOS demo: the kernel
# (uncompressed vmlinux) boots through the 64-bit boot protocol on the
# hypervisor's ACPI tables to its /init (build/linux/initramfs.cpio.gz,
# vmrpc_mode=test), loads vmrpc.ko, and its test script
# (partitions/gp-os/linux/test.sh) checks, from Linux user space: the
# RTOS's sysinfo and echo through /dev/vmrpc, a `vmrpc bench`, the
# driver's sysfs statistics, the RTOS's UDP latency datagrams arriving
# through the net module Linux serves (socket outsourcing), Linux's own
# sysinfo served to the RTOS, errors, cyclictest, and rmmod refused while
# the device is open. Linux then powers off through its ACPI sleep
# register while the RTOS keeps running and answering.
. "$(dirname "$0")/lib.sh"
scenario_begin linux_gpos

BUILD=$BUILD "$ROOT/tools/mklinux-iso.sh" "$DIR/hv.iso" "exit_with=gpos" "app=demo" test >"$DIR/mkiso.out" 2>&1 ||
    fail "mkiso"
# Ends when Linux powers off (exit_with=gpos: the machine itself stops,
# so every log is complete; killing Bochs on a match could cut them).
"$ROOT/tools/bochs-run.sh" --out "$DIR" --cpus 2 --timeout 600 "$DIR/hv.iso" >"$DIR/run.out" 2>&1
[[ $(cat "$DIR/end" 2>/dev/null) == poweroff ]] || fail "run did not end with Linux's power-off"
C1=$DIR/com1.log C2=$DIR/com2.log C3=$DIR/com3.log
expect "$C2" "^\[hv\] partition 'gpos': 'gpos.elf' loaded, entry 0x1000000 \(Linux 64-bit boot protocol\)" "vmlinux loaded by the Linux boot protocol"
expect "$C1" 'Linux version 6\.[0-9.]+-[0-9]+-amd64' "Debian kernel banner"
expect "$C1" 'Switched APIC routing to physical x2apic' "Linux keeps the x2APIC"
# Linux prints "TSC" only when the rate differs from its "processor" one;
# the hypervisor's calibration lands within 10 ppm of 50 MHz.
expect "$C1" 'tsc: Detected (49\.99[0-9]|50\.00[0-9]) MHz (TSC|processor)' "TSC rate from CPUID 0x15"
expect "$C1" 'ttyS0 at I/O 0x3f8 \(irq = [0-9]+' "COM1 found through the DSDT"
expect "$C1" '^init: reached /init' "Linux reached /init"
expect "$C1" 'vmrpc: notifications on GSI 22 = IRQ [0-9]+' "vmrpc.ko takes its notification IRQ"
for t in module serve list sysinfo echo bench stats udp served error rmmod; do
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
scenario_end
