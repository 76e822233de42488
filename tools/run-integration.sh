#!/usr/bin/env bash
# Runs the emulated-machine scenarios (tests/integration/[0-9]*.sh), as many
# at a time as there are CPUs, and prints each one's result in order.
#   tools/run-integration.sh [NAME-SUBSTRING...]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results=build/test/results
rm -rf "$results"
mkdir -p "$results"

scenarios=()
for s in tests/integration/[0-9]*.sh; do
    if [[ $# -eq 0 ]]; then
        scenarios+=("$s")
    else
        for want in "$@"; do [[ $s == *"$want"* ]] && scenarios+=("$s") && break; done
    fi
done

jobs_max=$(nproc 2>/dev/null || echo 2)
for s in "${scenarios[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n; done
    name=$(basename "$s" .sh)
    (bash "$s" >"$results/$name.out" 2>&1; echo $? >"$results/$name.rc") &
done
wait

passed=0 failed=0
for s in "${scenarios[@]}"; do
    name=$(basename "$s" .sh)
    cat "$results/$name.out"
    if [[ $(cat "$results/$name.rc" 2>/dev/null) == 0 ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        grep -q '^FAIL' "$results/$name.out" || echo "FAIL $name (crashed, exit $(cat "$results/$name.rc" 2>/dev/null))"
    fi
done
echo "integration: $passed passed, $failed failed"
[[ $failed == 0 ]]
