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

# expect LOG REGEX [WHAT]: LOG is com1, com2 or a file path.
expect() {
    local f=$1 re=$2 what=${3:-$2}
    [[ -f $f ]] || f=$(log_file "$f")
    text_of "$f" | grep -qaE -- "$re" || fail "missing in $(basename "$f"): $what"
}

expect_not() {
    local f=$1 re=$2 what=${3:-$2}
    [[ -f $f ]] || f=$(log_file "$f")
    ! text_of "$f" | grep -qaE -- "$re" || fail "unexpected in $(basename "$f"): $what"
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
