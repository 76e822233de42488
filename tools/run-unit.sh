#!/usr/bin/env bash
# Runs host unit-test binaries and totals their "N passed, N failed" lines.
#   tools/run-unit.sh BIN...   (prints "unit: N passed, N failed" last)
set -uo pipefail
passed=0 failed=0
for bin in "$@"; do
    out=$("$bin" 2>&1)
    rc=$?
    last=$(printf '%s\n' "$out" | tail -n 1)
    if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
    else
        p=0 f=1 # crashed (sanitizer report) before its summary
    fi
    [[ $rc != 0 && $f == 0 ]] && f=1
    if [[ $f != 0 ]]; then
        echo "---- $(basename "$bin"): failures"
        printf '%s\n' "$out" | grep -vE '^PASS ' | tail -n 60
    fi
    echo "$(basename "$bin"): $p passed, $f failed"
    passed=$((passed + p)) failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
[[ $failed == 0 ]]
