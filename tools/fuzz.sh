#!/usr/bin/env bash
# Fuzzing the VMRPC layer: the libFuzzer harness tests/fuzz/fuzz_rpc.c
# (docs/TESTING.md, "Fuzzing VMRPC").
#   tools/fuzz.sh [SECONDS]          long run (make fuzz; default 600 s)
#   tools/fuzz.sh --short [SECONDS]  make test's pass (default 25 s): ends
#                                    with "fuzz: N passed, N failed" (1 case)
# Builds $BUILD/fuzz/fuzz_rpc (BUILD defaults to build). Seeds: tests/fuzz/seeds/
# (inputs that once found defects). The corpus grows
# in $BUILD/fuzz/corpus; a crashing input is saved as
# $BUILD/fuzz/crashes/crash-<sha1> (replay: $BUILD/fuzz/fuzz_rpc FILE).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
BUILD=${BUILD:-build}
short=0
if [[ ${1:-} == --short ]]; then
    short=1
    shift
fi
secs=${1:-$([[ $short == 1 ]] && echo 25 || echo 600)}
bin=$BUILD/fuzz/fuzz_rpc
dir=$BUILD/fuzz

if ! build_out=$(make --no-print-directory BUILD="$BUILD" "$bin" 2>&1); then
    printf '%s\n' "$build_out" | tail -n 30
    echo "fuzz_rpc: could not build (clang with libFuzzer: tools/setup-deps.sh)"
    [[ $short == 1 ]] && echo "fuzz: 0 passed, 1 failed"
    exit 1
fi
mkdir -p "$dir/corpus" "$dir/crashes"
args=(-max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=4096
      -artifact_prefix="$dir/crashes/" "$dir/corpus" tests/fuzz/seeds)
if [[ $short == 0 ]]; then
    exec "$bin" "${args[@]}"
fi
out=$("$bin" -print_final_stats=1 "${args[@]}" 2>&1)
rc=$?
runs=$(printf '%s\n' "$out" | sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' | tail -n 1)
if [[ $rc == 0 ]]; then
    echo "PASS fuzz_rpc (${secs}s, ${runs:-?} inputs, corpus $dir/corpus)"
    echo "fuzz: 1 passed, 0 failed"
else
    printf '%s\n' "$out" | grep -vE '^#[0-9]+' | tail -n 40
    echo "FAIL fuzz_rpc: crashing input in $dir/crashes/ (replay: $bin FILE)"
    echo "fuzz: 0 passed, 1 failed"
fi
exit $rc
