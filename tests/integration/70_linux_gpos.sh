#!/usr/bin/env bash
# Debian's stock Linux kernel in 'gpos' on two CPUs beside the RTOS demo
# (configs/linux-smp.c: a 3-CPU machine, the RTOS on CPU 1, Linux on CPUs
# 0 and 2): the kernel (uncompressed vmlinux) boots through the 64-bit
# boot protocol on the hypervisor's ACPI tables, finds both its CPUs in
# the MADT and starts the second with INIT-SIPI-SIPI through the
# hypervisor, keeps the TSC as its clocksource (no warp between its
# CPUs), scans an empty PCI bus (the hypervisor's emulated configuration
# mechanism answers, nothing logged), reaches its /init
# (build/linux/initramfs.cpio.gz, vmrpc_mode=test), loads vmrpc.ko, and
# its test script (partitions/gp-os/linux/test.sh) checks, from Linux
# user space: its wall clock (read at boot from its CMOS clock), both
# CPUs online and a call from the second, the RTOS's sysinfo and echo
# through /dev/vmrpc, a `vmrpc bench`, the driver's sysfs statistics,
# the RTOS's UDP latency datagrams arriving through the net module Linux
# serves (socket outsourcing), Linux's own sysinfo served to the RTOS,
# errors, cyclictest, and rmmod refused while the
# device is open. Linux then powers off through its ACPI sleep register
# (its other CPU halted with interrupts disabled first, which must not
# stop the partition) while the RTOS keeps running and answering.
. "$(dirname "$0")/lib.sh"
scenario_begin linux_gpos

HV_ELF=$BUILD/linux-smp/hv.elf BUILD=$BUILD "$ROOT/tools/mklinux-iso.sh" "$DIR/hv.iso" "exit_with=gpos" "app=demo" test >"$DIR/mkiso.out" 2>&1 ||
    fail "mkiso"
# Ends when Linux powers off (exit_with=gpos: the machine itself stops,
# so every log is complete; killing Bochs on a match could cut them).
"$ROOT/tools/bochs-run.sh" --out "$DIR" --cpus 3 --timeout 600 "$DIR/hv.iso" >"$DIR/run.out" 2>&1
[[ $(cat "$DIR/end" 2>/dev/null) == poweroff ]] || fail "run did not end with Linux's power-off"
C1=$DIR/com1.log C2=$DIR/com2.log C3=$DIR/com3.log
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
for t in rtc module cpus serve list sysinfo echo bench stats udp served error rmmod; do
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
