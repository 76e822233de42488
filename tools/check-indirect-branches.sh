#!/usr/bin/env bash
# Fails when the hypervisor image has an indirect CALL or JMP outside the
# retpoline thunks (arch/x86/retpoline.S): every one must go through a
# thunk, so that no branch target a partition trained is used
# speculatively in root mode. Far jumps through memory in the 32-bit boot
# path (before any partition exists) are not indirect near branches.
#   tools/check-indirect-branches.sh IMAGE
set -uo pipefail
image=$1
bad=$(objdump -d --no-show-raw-insn "$image" | awk '
    /^[0-9a-f]+ <.*>:$/ { fn = $2; next }
    /\t(call|jmp)q? +\*/ && fn !~ /^<__x86_indirect_thunk_/ { print fn ": " $0 }')
if [[ -n $bad ]]; then
    echo "check-indirect-branches: indirect branches outside the retpoline thunks in $image:" >&2
    printf '%s\n' "$bad" >&2
    exit 1
fi
