#!/usr/bin/env python3
"""Sums and symbolizes the VM-exit histogram of a debug hypervisor build
(vmx/exit_histogram.c: make CC="gcc -DEXIT_HISTOGRAM" ...), printed in its
log (com2.log) at the partition's first HC_EXIT_STATS call.

    tools/exit_histogram.py COM2.LOG [--cpu N] [--map System.map] [--top K]

Prints, for CPU N (default 0): exits by reason, the top details (CPUID
leaf<<8|subleaf, MSR with the ICR vector in bits 32-39, port<<4|in<<3|size-1,
EPT address), the top guest RIPs and, with --map (Debian's is in the
linux-image-*-dbg package, /usr/lib/debug/boot/System.map-*), the callers
found on the guest's stack by depth, as function names."""
import argparse
import bisect
import collections
import re
import signal

LINE = re.compile(r"hist cpu (\d+) (detail|rip|caller\d) (.+) 0x([0-9a-f]+) (\d+)\s*$")


def load_map(path):
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                syms.append((int(parts[0], 16), parts[1].lower(), parts[2]))
    syms.sort()
    return [s[0] for s in syms], syms


def symbolizer(path):
    if not path:
        return lambda addr: hex(addr)
    addrs, syms = load_map(path)

    def name(addr):
        i = bisect.bisect_right(addrs, addr) - 1
        if i < 0 or syms[i][1] not in "tw":
            return None  # not code: a data pointer the stack scan took
        return syms[i][2]

    return name


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under head
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--cpu", default="0")
    ap.add_argument("--map")
    ap.add_argument("--top", type=int, default=15)
    a = ap.parse_args()
    name = symbolizer(a.map)
    tables = collections.defaultdict(collections.Counter)
    with open(a.log, errors="replace") as f:
        for line in f:
            m = LINE.search(line.replace("\r", ""))
            if not m or m.group(1) != a.cpu:
                continue
            table, reason, value, n = m.group(2), m.group(3), int(m.group(4), 16), int(m.group(5))
            if table == "rip" or table.startswith("caller"):
                kernel = value >> 47 == 1
                if kernel:
                    value |= 0xFFFF << 48  # the kernel's canonical top bits
                label = name(value) if kernel and a.map else hex(value)
                if label is None:
                    if table != "rip":
                        continue
                    label = hex(value)
                tables[table][(reason, label)] += n
            else:
                tables[table][(reason, hex(value))] += n
    by_reason = collections.Counter()
    for (reason, _), n in tables["detail"].items():
        by_reason[reason] += n
    print("cpu %s: %d exits: %s" % (a.cpu, sum(by_reason.values()),
                                   ", ".join("%s %d" % kv for kv in by_reason.most_common())))
    for table in ["detail", "rip"] + sorted(t for t in tables if t.startswith("caller")):
        print("%s:" % table)
        for (reason, label), n in tables[table].most_common(a.top):
            print("  %6d  %-14s %s" % (n, reason, label))


if __name__ == "__main__":
    main()
