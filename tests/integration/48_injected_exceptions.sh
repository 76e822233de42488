#!/usr/bin/env bash
# What the hypervisor does on a guest's behalf looks exactly like the CPU
# (docs/GUESTS.md, "Exceptions the hypervisor injects"). The conformance
# kernel's exceptions probe (partitions/conform/probe_exceptions.c) runs
# bare and in gpos; its exc.* facts must be the same, namely:
# - the #GP of a refused WRMSR (a reserved EFER bit) and the #UD of VMXON
#   push EFLAGS with RF set, as every fault does (SDM Vol. 3A 6.13);
# - TF set over CPUID (which exits) traps right after CPUID, with DR6.BS;
# - CPUID at EIP 0xFFFFFFFE of a 32-bit code segment continues at EIP 0;
# - past 0xFFFF in a 16-bit code segment the next fetch is a #GP.
# Before: the injected faults pushed RF = 0, and the hypervisor set EIP
# to 0x100000000, which failed the VM entry and stopped gpos.
. "$(dirname "$0")/lib.sh"
scenario_begin injected_exceptions

CONFORM=$BUILD/partitions/conform.elf
"$ROOT/tools/mkiso.sh" "$DIR/bare.iso" "$CONFORM" "" >"$DIR/mkiso.out" 2>&1 || fail "mkiso (bare) failed"
mkdir -p "$DIR/bare"
"$ROOT/tools/bochs-run.sh" --out "$DIR/bare" --cpus 1 --timeout 90 "$DIR/bare.iso" >"$DIR/bare/run.out" 2>&1
[[ $(cat "$DIR/bare/end" 2>/dev/null) == poweroff ]] || fail "bare run did not power off (see $DIR/bare)"

make_iso "exit_with=gpos" "$BUILD/partitions/rtos.elf@rtos.elf:app=demo" "$CONFORM@gpos.elf:"
boot_bochs --cpus 2 --timeout 150 "$ISO"
expect_end poweroff
expect_not com2 "VM entry failed" "a failed VM entry"

facts() { text_of "$1" | sed -nE 's/^\[conform\] CONF (exc\..*)$/\1/p'; }
bare=$(facts "$DIR/bare/com1.log") part=$(facts "$(log_file com1)")
[[ -n $bare ]] || fail "no exc.* facts from the bare run"
[[ $bare == "$part" ]] || fail "exc.* facts differ, bare vs partition: $(diff <(echo "$bare") <(echo "$part") | grep '^[<>]' | tr '\n' ' ')"
for fact in "exc.gp.rf 1" "exc.gp.error 0x0" "exc.vmxon #UD" "exc.ud.rf 1" "exc.tf.cpuid next" \
    "exc.tf.cpuid.dr6_bs 1" "exc.eip_wrap ok" "exc.ip16_past_limit #GP"; do
    expect com1 "^\[conform\] CONF $fact$" "gpos: $fact"
done
scenario_end
