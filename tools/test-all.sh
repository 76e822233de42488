#!/usr/bin/env bash
# `make test`: host unit tests, then the Bochs and QEMU scenarios, then a
# short VMRPC fuzzing pass. Ends with the totals line "N passed, N failed"
# (unit cases + scenarios + 1 for the fuzzing pass + 1 for the Linux
# tool's host selftest).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

unit_out=$(tools/run-unit.sh build/unit/test_* 2>&1)
unit_rc=$?
printf '%s\n' "$unit_out"
integ_out=$(tools/run-integration.sh 2>&1)
integ_rc=$?
printf '%s\n' "$integ_out"
# VMRPC fuzzing, a short pass: one case (tools/fuzz.sh, docs/TESTING.md).
fuzz_out=$(tools/fuzz.sh --short 2>&1)
fuzz_rc=$?
printf '%s\n' "$fuzz_out"

# The Linux vmrpc tool's request handlers (sysinfo, echo, net over real
# loopback sockets) on this host: one case.
tool_out=$(build/linux/vmrpc selftest 2>&1)
tool_rc=$?
printf '%s\n' "$tool_out" | tail -n 3
if [[ $tool_rc == 0 ]]; then tool_out="linux-tool: 1 passed, 0 failed"; else tool_out="linux-tool: 0 passed, 1 failed"; fi
echo "$tool_out"

count() {
    local v
    v=$(printf '%s\n' "$1" | sed -nE "s/^$2: ([0-9]+) passed, ([0-9]+) failed$/\\$3/p")
    echo "${v:-0}"
}
passed=$(($(count "$unit_out" unit 1) + $(count "$integ_out" integration 1) + $(count "$fuzz_out" fuzz 1) + $(count "$tool_out" linux-tool 1)))
failed=$(($(count "$unit_out" unit 2) + $(count "$integ_out" integration 2) + $(count "$fuzz_out" fuzz 2) + $(count "$tool_out" linux-tool 2)))
[[ $unit_rc != 0 || $integ_rc != 0 || $fuzz_rc != 0 ]] && ((failed == 0)) && failed=1
echo "$passed passed, $failed failed"
((failed == 0))
