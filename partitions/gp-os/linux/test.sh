#!/bin/sh
# The Linux guest's checks (the root file system's /sbin/init runs this
# with vmrpc_mode=test, then powers off). One line per check:
#   LINUX-TEST <name> PASS|FAIL <detail>
# and last: LINUX-TEST done passed=N failed=M
# Quick on purpose: the machine is Bochs (~40 M instructions/s).
#   test.sh            every check: disk, network, VMRPC
#   test.sh readback   the disk only: what the previous boot wrote
#   test.sh load       disk and network I/O rounds without end (the RTOS
#                      measures meanwhile and ends the run)
# Kernel command line words it reads: gpos_token=WORD (written to the
# disk for the next boot), gpos_http=ADDR:PORT (an HTTP server on the
# host machine: wget of /probe.txt), gpos_upload=ADDR:PORT (a TCP
# listener on the host: what Linux fetched goes back there).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
passed=0
failed=0
SYS=/sys/class/misc/vmrpc
PIDFILE=/run/vmrpc-serve.pid
STATE=/var/lib/gpos-test   # on the root file system: survives power-off

result() { # name PASS|FAIL detail...
    name=$1 verdict=$2
    shift 2
    echo "LINUX-TEST $name $verdict $*"
    if [ "$verdict" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
check() { # name detail-on-fail command...: PASS when the command succeeds
    name=$1 detail=$2
    shift 2
    if "$@"; then result "$name" PASS "$detail"; else result "$name" FAIL "$detail"; fi
}
stat() { cat "$SYS/$1" 2>/dev/null || echo 0; }
oneline() { tr '\n' ' ' < "$1" | cut -c1-200; }
served() { # module -> its served count from $SYS/modules
    sed -n "s/^[0-9]* serve $1 served=\([0-9]*\).*/\1/p" "$SYS/modules" 2>/dev/null | head -n 1
}
cmdline_word() { # NAME -> the value of NAME=VALUE on the kernel command line
    for w in $(cat /proc/cmdline); do
        case $w in "$1"=*) echo "${w#*=}"; return ;; esac
    done
}
done_line() { echo "LINUX-TEST done passed=$passed failed=$failed"; [ $failed -eq 0 ]; }

# --- the root file system: the IDE disk, ext4, read-write
rootdev=$(awk '$2 == "/" { d = $1 " " $3 " " $4 } END { print d }' /proc/mounts)
case $rootdev in
/dev/sd*" ext4 rw"*) result rootfs PASS "$rootdev" ;;
*) result rootfs FAIL "/ is '$rootdev'" ;;
esac

if [ "${1:-}" = readback ]; then
    # What the previous boot wrote (test.sh, gpos_token) and that this
    # mount needed no journal recovery (that boot unmounted cleanly).
    prev=$(cat $STATE/token 2>/dev/null)
    boots=$(cat $STATE/boots 2>/dev/null)
    check persist "token=${prev:-none} boots=${boots:-none}" [ -n "$prev" ]
    dmesg | grep -E 'EXT4-fs \(sd' | sed 's/^/LINUX-TEST-LOG /'
    check clean "no journal recovery at mount" sh -c '! dmesg | grep -q "EXT4-fs (sd.*): recovery complete"'
    echo $(( ${boots:-0} + 1 )) > $STATE/boots
    done_line
    exit
fi

if [ "${1:-}" = load ]; then
    http=$(cmdline_word gpos_http)
    round=0
    mkdir -p /var/tmp
    while :; do
        round=$((round + 1))
        dd if=/dev/urandom of=/var/tmp/load.bin bs=64k count=16 2>/dev/null
        sync
        echo 3 > /proc/sys/vm/drop_caches
        disk=$(md5sum /var/tmp/load.bin | cut -c1-8)
        net=none
        if [ -n "$http" ] && timeout 30 wget -q -O /var/tmp/load.net "http://$http/load.bin" 2>/dev/null; then
            sync
            net="$(wc -c < /var/tmp/load.net) bytes"
        fi
        echo "LINUX-LOAD round $round disk 1024 KiB written and read (md5 $disk) net $net"
    done
fi

# --- the disk: a file for the next boot (gpos_token), through the page
# cache to the disk (sync), and back
token=$(cmdline_word gpos_token)
mkdir -p $STATE
boots=$(cat $STATE/boots 2>/dev/null)
echo "${token:-none}" > $STATE/token && echo $(( ${boots:-0} + 1 )) > $STATE/boots && sync
got=$(cat $STATE/token 2>/dev/null)
check disk-write "token=$got boots=$(cat $STATE/boots 2>/dev/null) on $(df -k / | awk 'NR == 2 { print $1 ", " $4 " KiB free" }')" \
    [ -n "$token" -a "$got" = "$token" ]

# --- the network: NE2000 (ne2k-pci), address by DHCP from Bochs's slirp
addr=$(ip -4 addr show dev eth0 2>/dev/null | awk '$1 == "inet" { print $2; exit }')
gw=$(ip route 2>/dev/null | awk '$1 == "default" { print $3; exit }')
drv=$(basename "$(readlink /sys/class/net/eth0/device/driver 2>/dev/null)" 2>/dev/null)
check net-dhcp "eth0 driver ${drv:-none} address ${addr:-none} gateway ${gw:-none}" [ -n "$addr" -a -n "$gw" ]

http=$(cmdline_word gpos_http)
upload=$(cmdline_word gpos_upload)
if [ -n "$http" ]; then
    # (busybox 1.35's wget -T crashes: timeout bounds it instead)
    timeout 30 wget -q -O /tmp/probe.txt "http://$http/probe.txt" > /tmp/wget.txt 2>&1
    rc=$?
    probe=$(head -n 1 /tmp/probe.txt 2>/dev/null)
    check net-http "wget http://$http/probe.txt exit $rc: '${probe:-$(oneline /tmp/wget.txt)}'" [ $rc -eq 0 -a -n "$probe" ]
    if [ -n "$upload" ]; then
        echo "gpos-upload $probe $(md5sum /tmp/probe.txt | cut -d' ' -f1)" > /tmp/upload.txt
        timeout 30 nc "${upload%:*}" "${upload#*:}" < /tmp/upload.txt > /tmp/nc.txt 2>&1
        rc=$?
        check net-upload "nc $upload exit $rc: sent '$(oneline /tmp/upload.txt)' $(oneline /tmp/nc.txt)" [ $rc -eq 0 ]
    fi
fi

# --- wall clock: Linux read it at boot from the partition's CMOS clock
# (hv/rtc_cmos.h), which starts from the machine's RTC (Bochs's starts at
# 2000-01-01, tools/bochs-run.sh); with no clock it would be 1970
year=$(date -u +%Y)
check rtc "date $(date -u '+%Y-%m-%d %H:%M:%S') UTC" [ "${year:-0}" -ge 2000 ]

# --- driver
check module "vmrpc.ko in /proc/modules, /dev/vmrpc a char device, mode $(stat mode)" \
    sh -c 'grep -q "^vmrpc " /proc/modules && [ -c /dev/vmrpc ]'

# --- CPUs: every CPU the ACPI tables list is online (the partition's
# own; configs/linux-smp.c gives it two), and a call from the last one
# (its hypercalls, and the IPIs that move the task there)
ncpu=$(grep -c '^processor' /proc/cpuinfo)
online=$(cat /sys/devices/system/cpu/online 2>/dev/null)
last=$((ncpu - 1))
if [ $last -eq 0 ]; then want=0; else want=0-$last; fi
out=$(taskset "$(printf %x $((1 << last)))" vmrpc call rtos echo "from-cpu-$last" 2>&1)
check cpus "processors=$ncpu online=$online echo from CPU $last: '$out'" \
    [ "$online" = "$want" -a "$out" = "from-cpu-$last" ]

# --- servers: sysinfo, echo, net (registered before -d returns)
vmrpc serve -d -p $PIDFILE sysinfo echo net > /tmp/serve.txt 2>&1
check serve "$(oneline /tmp/serve.txt)" grep -q "serving sysinfo" /tmp/serve.txt

# --- client side
vmrpc list > /tmp/list.txt 2>&1
check list "$(oneline /tmp/list.txt)" \
    sh -c 'grep -q "^rtos/sysinfo  *registered" /tmp/list.txt && grep -q "^rtos/echo  *registered" /tmp/list.txt'

if vmrpc call rtos sysinfo > /tmp/sysinfo.txt 2>&1 && grep -q os_name /tmp/sysinfo.txt; then
    result sysinfo PASS "$(grep -E 'os_name|latency' /tmp/sysinfo.txt | tr -s ' ' | tr '\n' ';')"
else
    result sysinfo FAIL "$(oneline /tmp/sysinfo.txt)"
fi

msg=vmrpc-echo-0123456789-abcdefghijklmnopqrstuvwxyz
out=$(vmrpc call rtos echo "$msg" 2>&1)
check echo "sent '$msg' got '$out'" [ "$out" = "$msg" ]

# On CPU 0 (taskset), as on the 1-CPU machine before: a caller moved
# between Linux's two CPUs mid-call would time the scheduler, not the
# call (tools/bench.sh reads these figures).
# The serve daemon's threads (started above) sleep in SERVE meanwhile:
# the completions of these calls must not wake them, their rings hold no
# request (each wake-up is a voluntary context switch of theirs; a few
# may come from the RTOS's own calls of gpos/sysinfo, one a second).
serve_wakeups() {
    cat /proc/$(cat $PIDFILE 2>/dev/null)/task/*/status 2>/dev/null |
        awk '$1 == "voluntary_ctxt_switches:" { n += $2 } END { print n + 0 }'
}
w0=$(serve_wakeups)
taskset 1 vmrpc bench rtos echo -n 200 > /tmp/bench.txt 2>&1
w1=$(serve_wakeups)
line=$(grep '^vmrpc-bench calls=200 ' /tmp/bench.txt)
check bench "${line:-$(oneline /tmp/bench.txt)}" [ -n "$line" ]
check serve-quiet "the serve daemon's threads woke $((w1 - w0)) times during the 200 calls" [ $((w1 - w0)) -lt 20 ]

calls=$(stat calls) done_=$(stat async_completions) irqs=$(stat interrupts) polls=$(stat timer_polls)
detail="mode=$(stat mode) calls=$calls async_completions=$done_ interrupts=$irqs timer_polls=$polls call_errors=$(stat call_errors)"
if [ "$(stat mode)" = interrupt ]; then need_irq=1; else need_irq=0; fi
check stats "$detail" sh -c "[ $calls -ge 202 ] && [ $done_ -ge 202 ] && { [ $need_irq = 0 ] || [ $irqs -gt 0 ]; }"

# Each completion interrupts the CPU that handles vmrpc's IRQ, wherever
# the caller runs: the hypervisor sends it to the CPU Linux's rpc_gsi
# entry names (a vector number means vmrpc's IRQ on that CPU only; on
# the other it is some other device's). From each CPU, 20 calls: at
# least 20 more interrupts seen by the driver.
if [ $need_irq = 1 ]; then
    for c in 0 1; do
        i0=$(stat interrupts) d0=$(stat async_completions)
        taskset $((1 << c)) vmrpc bench rtos echo -n 20 > /dev/null 2>&1
        i1=$(stat interrupts) d1=$(stat async_completions)
        check irq-cpu$c "20 calls from CPU $c: $((d1 - d0)) completions, $((i1 - i0)) interrupts handled" \
            [ $((d1 - d0)) -ge 20 -a $((i1 - i0)) -ge $((d1 - d0)) ]
    done
fi

# --- the RTOS's datagrams through our net server (VMRPC_NET_DEMO_PORT)
vmrpc udp-listen 5005 -c 3 -t 20 > /tmp/udp.txt 2>&1
n=$(grep -c '^rtos' /tmp/udp.txt)
check udp "$n/3 datagrams: $(head -n 1 /tmp/udp.txt | cut -c1-120)" [ "$n" -ge 3 ]

# --- the RTOS called our sysinfo (each heartbeat): wait a little if not yet
s=$(served sysinfo)
i=0
while [ "${s:-0}" -lt 1 ] && [ $i -lt 10 ]; do
    sleep 1
    i=$((i + 1))
    s=$(served sysinfo)
done
check served "sysinfo served=${s:-?} net served=$(served net) requests_served=$(stat requests_served): $(grep ' serve ' $SYS/modules | tr '\n' ';')" \
    [ "${s:-0}" -ge 1 ]

# --- an error case
vmrpc call rtos nosuchmodule > /tmp/err.txt 2>&1
rc=$?
check error "exit $rc: $(oneline /tmp/err.txt)" sh -c "[ $rc -ne 0 ] && grep -q 'rtos/nosuchmodule' /tmp/err.txt"

# --- cyclictest runs (libraries and loader in place)
cyclictest -m -q -l 20 -i 1000 > /tmp/cyc.txt 2>&1
rc=$?
line=$(grep '^T: 0' /tmp/cyc.txt | tr -s ' ')
check cyclictest "exit $rc: ${line:-$(tail -n 1 /tmp/cyc.txt | cut -c1-150)}" [ $rc -eq 0 -a -n "$line" ]

# --- stop the servers (closing the device unregisters), then rmmod
pid=$(cat $PIDFILE 2>/dev/null)
[ -n "$pid" ] && kill "$pid"
i=0
while [ -n "$pid" ] && [ -d /proc/$pid ] && [ $i -lt 50 ]; do
    usleep 100000
    i=$((i + 1))
done
# A holder with the device open (a failed redirection must not end this
# script, hence a background process rather than `exec 3<`).
sleep 600 < /dev/vmrpc 2>/dev/null &
holder=$!
i=0
while [ "$(readlink /proc/$holder/fd/0 2>/dev/null)" != /dev/vmrpc ] && [ -d /proc/$holder ] && [ $i -lt 50 ]; do
    usleep 20000
    i=$((i + 1))
done
rmmod vmrpc > /tmp/rmmod1.txt 2>&1
rc1=$?
kill $holder 2>/dev/null
wait $holder 2>/dev/null
rmmod vmrpc > /tmp/rmmod2.txt 2>&1
rc2=$?
check rmmod "while open: exit $rc1 ($(oneline /tmp/rmmod1.txt)); after close: exit $rc2 $(oneline /tmp/rmmod2.txt)" \
    sh -c "[ $rc1 -ne 0 ] && [ $rc2 -eq 0 ] && ! grep -q '^vmrpc ' /proc/modules && [ ! -e /dev/vmrpc ]"

dmesg | grep -i 'vmrpc' | tail -n 8 | sed 's/^/LINUX-TEST-LOG /'
done_line
