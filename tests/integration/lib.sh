# Helpers for emulated-machine scenarios. A scenario script sources this,
# calls scenario_begin NAME, boots something, checks what was printed with
# expect/expect_not/expect_end, and ends with scenario_end, which prints
# "PASS NAME" or "FAIL NAME" with the reasons and exits 0 or 1.
# Logs stay in build/test/NAME/ for reading after a failure.

set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
cd "$ROOT"

scenario_begin() {
    SCENARIO=$1
    DIR=$BUILD/test/$SCENARIO
    FAILURES=()
    NOTES=()
    rm -rf "$DIR"
    mkdir -p "$DIR"
}

fail() { FAILURES+=("$*"); }
note() { NOTES+=("$*"); }

# make_iso CMDLINE [MODULE[:ARGS]...]: builds $DIR/hv.iso, sets ISO
make_iso() {
    local cmdline=$1
    shift
    ISO=$DIR/hv.iso
    "$ROOT/tools/mkiso.sh" "$ISO" "$BUILD/hv.elf" "$cmdline" "$@" >"$DIR/mkiso.out" 2>&1 ||
        fail "mkiso failed: $(tail -n 3 "$DIR/mkiso.out")"
}

# boot_bochs [bochs-run options] ISO: logs in $DIR, end reason in $END
boot_bochs() {
    "$ROOT/tools/bochs-run.sh" --out "$DIR" "$@" >"$DIR/run.out" 2>&1
    END=$(cat "$DIR/end" 2>/dev/null || echo none)
}

log_file() { echo "$DIR/$1.log"; }

# Serial logs end lines with CR LF (and GRUB leaves stray CRs): match on
# the text without CRs.
text_of() { tr -d '\r' <"$1" 2>/dev/null; }

# expect LOG REGEX [WHAT]: LOG is com1, com2 or a file path. grep reads
# the whole text (no -q): quitting at an early match would kill tr with
# SIGPIPE on a long log, and pipefail would turn that into a miss.
expect() {
    local f=$1 re=$2 what=${3:-$2}
    [[ -f $f ]] || f=$(log_file "$f")
    text_of "$f" | grep -aE -- "$re" >/dev/null || fail "missing in $(basename "$f"): $what"
}

expect_not() {
    local f=$1 re=$2 what=${3:-$2}
    [[ -f $f ]] || f=$(log_file "$f")
    ! text_of "$f" | grep -aE -- "$re" >/dev/null || fail "unexpected in $(basename "$f"): $what"
}

expect_end() {
    [[ $END == "$1" ]] || fail "run ended by '$END', expected '$1' (see $DIR/run.out)"
}

# first_match LOG SED-REGEX: the first capture group of the first match
first_match() {
    local f=$1
    [[ -f $f ]] || f=$(log_file "$f")
    text_of "$f" | sed -nE "s/$2/\1/p" | head -n 1
}

# expect_within VALUE TARGET PERCENT WHAT
expect_within() {
    local v=$1 t=$2 pct=$3 what=$4
    if [[ -z $v ]] || ! awk -v v="$v" -v t="$t" -v p="$pct" 'BEGIN { d = v - t; if (d < 0) d = -d; exit !(d * 100 <= t * p) }'; then
        fail "$what: got '${v}', expected $t within ${pct}%"
    else
        note "$what: $v (target $t)"
    fi
}

# expect_latency_no_worse NATIVE_LAT PART_LAT PATH LABEL JITTER: from two
# tools/rtos-latency.sh lat.txt files, the partition's avg and p99.9 on
# PATH are no worse than native by more than JITTER ticks.
expect_latency_no_worse() {
    local native=$1 part=$2 path=$3 label=$4 jitter=$5 n v
    n=$(awk -v p="$path" '$1 == p { print $2, $3, $4, $5 }' "$native" 2>/dev/null) # min avg max p999
    v=$(awk -v p="$path" '$1 == p { print $2, $3, $4, $5 }' "$part" 2>/dev/null)
    if [[ -z $n || -z $v ]]; then
        fail "$path ($label): missing figures"
    elif ! awk -v n="$n" -v v="$v" -v j="$jitter" 'BEGIN { split(n, a); split(v, b); exit !(b[2] <= a[2] + j && b[4] <= a[4] + j) }'; then
        fail "$path ($label): partition min/avg/max/p999 '$v' slower than native '$n' by more than $jitter ticks"
    else
        note "$path $label: min/avg/max/p999 native $n, partition $v"
    fi
}

scenario_end() {
    if [[ ${#FAILURES[@]} -eq 0 ]]; then
        local IFS=';'
        echo "PASS $SCENARIO${NOTES[*]:+ — ${NOTES[*]}}"
        exit 0
    fi
    echo "FAIL $SCENARIO (logs: $DIR)"
    printf '  %s\n' "${FAILURES[@]}"
    exit 1
}

# ---------------------------------------------------------------- partitions
# The demo config (configs/demo.c): partition 'rtos' on CPU 1 with COM3,
# partition 'gpos' on CPU 0 with COM1 (the config's command lines say
# console=); both run the test kernel (partitions/test/README.md) and
# these helpers add each one's options as module arguments.
TESTPART=$BUILD/partitions/testpart.elf

console_of() { [[ $1 == rtos ]] && echo com3 || echo com1; }

# boot_partitions RTOS_ARGS GPOS_ARGS HV_CMDLINE [bochs-run options]
boot_partitions() {
    local rtos=$1 gpos=$2 hv=$3
    shift 3
    make_iso "$hv" "$TESTPART@rtos.elf:$rtos" "$TESTPART@gpos.elf:$gpos"
    boot_bochs --cpus 2 --timeout 180 "$@" "$ISO"
}

# line_of LOG REGEX: number of the first matching line (empty if none)
line_of() {
    local f=$1
    [[ -f $f ]] || f=$(log_file "$f")
    text_of "$f" | grep -naE -- "$2" | head -n 1 | cut -d: -f1
}

# hostile ATTACKER ATTACK STOP_REGEX: ATTACKER does ATTACK after its first
# heartbeat; the other partition (the victim) beats 12 times and powers
# off, which ends the run (exit_with). Passes when the hypervisor logged
# ATTACKER stopped with STOP_REGEX before the victim's own power-off, and
# the victim printed all its heartbeats. STOP_REGEX empty: the attacker
# must survive instead (refusals that a real CPU reports as #GP).
# HOSTILE_ARGS (environment): more test-kernel options for the attacker.
hostile() {
    local attacker=$1 attack=$2 stop=$3 victim
    victim=$([[ $attacker == rtos ]] && echo gpos || echo rtos)
    local att_args="heartbeat=10 attack_after=1 attack=$attack${HOSTILE_ARGS:+ $HOSTILE_ARGS}"
    [[ -z $stop ]] && att_args+=" beats=3 gp=continue"
    local vic_args="heartbeat=40 beats=12 exit=0 stats"
    if [[ $attacker == rtos ]]; then
        boot_partitions "$att_args" "$vic_args" "exit_with=$victim"
    else
        boot_partitions "$vic_args" "$att_args" "exit_with=$victim"
    fi
    expect_end poweroff
    expect "$(console_of "$attacker")" "^\[$attacker\] attack $attack: " "attacker announced the attack"
    if [[ -n $stop ]]; then
        expect com2 "^\[hv\] partition '$attacker' stopped: $stop" "attacker stopped: $stop"
        expect_not "$(console_of "$attacker")" "attack $attack: survived" "attack had no effect"
        local stopped ended
        stopped=$(line_of com2 "partition '$attacker' stopped")
        ended=$(line_of com2 "partition '$victim' stopped: powered off through port 0xf4")
        [[ -n $stopped && -n $ended && $stopped -lt $ended ]] || fail "victim did not outlive the attacker (lines $stopped/$ended)"
    else
        expect "$(console_of "$attacker")" "^\[$attacker\] attack $attack: survived" "attacker survived the refusal"
    fi
    expect "$(console_of "$victim")" "^\[$victim\] heartbeat 12$" "victim kept its heartbeat"
    expect com2 "^\[hv\] exit_with=$victim: ending the run with its exit code 0" "run ended by the victim"
}

# ------------------------------------------------------- host-side servers
# For Linux's network checks: servers on this machine that the guest
# reaches through Bochs's slirp as 10.0.2.2 (slirp connects to the host's
# 127.0.0.1). Each picks a free port (tries random ones) and is stopped
# when the scenario's shell exits.
HOST_PIDS=()
trap '[[ ${#HOST_PIDS[@]} -gt 0 ]] && kill "${HOST_PIDS[@]}" 2>/dev/null' EXIT

# host_server VAR COMMAND-WITH-@PORT@...: starts it on a free port, sets
# VAR to the port (empty when none could be had)
host_server() {
    local var=$1 port pid try
    shift
    for try in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 20000))
        "${@//@PORT@/$port}" &
        pid=$!
        sleep 0.3
        if kill -0 "$pid" 2>/dev/null; then
            HOST_PIDS+=("$pid")
            printf -v "$var" %s "$port"
            return 0
        fi
    done
    printf -v "$var" %s ""
    fail "no free port for a host server ($*)"
    return 1
}

# host_http VAR DIR: busybox httpd serving DIR (its log: DIR.log)
host_http() { host_server "$1" sh -c "exec busybox httpd -f -vv -p 127.0.0.1:@PORT@ -h '$2' 2>'$2.log'"; }
# host_sink VAR FILE: one TCP connection's bytes, into FILE
host_sink() { host_server "$1" sh -c "exec busybox nc -l -p @PORT@ >'$2'"; }
