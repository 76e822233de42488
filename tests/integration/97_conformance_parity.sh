#!/usr/bin/env bash
# Parity with the bare machine (issue 17): the conformance kernel
# (partitions/conform/README.md) boots bare in Bochs and in a partition,
# and must print the same CONF lines in both, except for the keys listed
# below, each with the reason it must differ. Two pairs:
#   (a) bare, 1 CPU        vs  partition 'gpos' of the demo config
#                              (1 CPU of a 2-CPU machine, next to 'rtos')
#   (b) bare, 2 CPUs       vs  partition 'duo' of configs/smp.c (2 CPUs)
# Each run must end by its own power-off (ACPI S5: Bochs powers off bare;
# the hypervisor stops the partition, and exit_with ends the run) after
# at least MIN_LINES CONF lines and "conform.done". Builds nothing: uses
# $BUILD/partitions/conform.elf, $BUILD/hv.elf and $BUILD/smp/hv.elf
# (make test builds them all).
#
# Bochs answers unknown MSRs with 0 unless told otherwise (its
# ignore_bad_msrs default); real CPUs raise #GP, and so does the
# hypervisor: --strict-msrs makes the bare runs honest.
. "$(dirname "$0")/lib.sh"
scenario_begin conformance_parity

CONFORM=$BUILD/partitions/conform.elf
MIN_LINES=200

# Keys (extended regexes on the key) allowed to differ, and why. A
# feature the bare machine shows may be hidden in a partition only here;
# whatever the partition shows must behave as bare.
ALLOWED=(
    # The hypervisor's own: VMX is not offered to partitions (no nested
    # VT-x), so CR4.VMXE and FEATURE_CONTROL's VMX-enable bit go with it.
    'cpuid\.1\.ecx\.vmx' 'feat\.cr4\.vmxe' 'feat\.msr\.value\.feature_control'
    # CPUID.1:ECX[31] is set for guests of a hypervisor (SDM Vol. 2A).
    'cpuid\.1\.ecx\.hypervisor'
    # Machine checks, thermal and power management are the platform's
    # (vmx/exit_cpuid.c): MCE/MCA, ACPI, TM/TM2, EST, PBE and leaf 6's
    # thermal bits are hidden; CR4.MCE and the MCG MSRs follow.
    'cpuid\.1\.edx\.(mce|mca|acpi|tm|pbe)' 'cpuid\.1\.ecx\.(tm2|est)' 'cpuid\.6\.eax\.(dts|pln|pts)'
    'feat\.cr4\.mce' 'feat\.mca' 'feat\.msr\.(value\.)?mcg_(cap|status)'
    # Debug store and PEBS need the PMU's buffers, not given to
    # partitions: DS, DTES64, DS-CPL hidden, DS_AREA with them.
    'cpuid\.1\.edx\.ds' 'cpuid\.1\.ecx\.(dtes64|ds_cpl)' 'feat\.ds' 'feat\.msr\.ds_area'
    # MONITOR/MWAIT hidden: MWAIT would idle a CPU the partition does not
    # share, with wake-ups the hypervisor cannot see.
    'cpuid\.1\.ecx\.monitor' 'feat\.monitor'
    # xTPR update control and PDCM (PERF_CAPABILITIES) hidden with the
    # parts of the PMU partitions do not get (probe_pmu's keys below).
    'cpuid\.1\.ecx\.(xtpr|pdcm)'
    # XSAVES hidden: IA32_XSS (supervisor state) is not offered.
    'cpuid\.d\.1\.eax\.xsaves' 'feat\.xsaves\.exec' 'feat\.msr\.xss\..*'
    # IA32_ARCH_CAPABILITIES is offered in partitions (the CPU's
    # immunities, none on a CPU without the MSR) though Bochs bare has none.
    'cpuid\.7\.edx\.arch_capabilities' 'feat\.arch_capabilities' 'feat\.msr\.(value\.)?arch_capabilities'
    # Topology: bare Bochs models each CPU as its own package (leaf 0BH
    # level 1 reports 0); a partition's CPUs are one package's cores.
    'smp\.cpuid_b\.logical_cpus'
    # Multiboot fixes only CR0.PE and PG at entry (0.6.96 3.2): GRUB in
    # Bochs leaves the cache-disable bits CD and NW as the BIOS had them;
    # the hypervisor's loader enters with caching on.
    'feat\.cr0\.initial'
    # The PMU: Bochs 2.7 enumerates one (PDCM, leaf 0AH version 4) whose
    # MSRs all raise #GP under --strict-msrs, bare too; the hypervisor's
    # boot probe (vmx/pmu.c) finds that and hides it (scenario 38). Where
    # the MSRs work, scenario 37 checks that the shown PMU works.
    'pmu\..*' 'msr\.0x(345|c[1-8]|186|187|188|189|18a|18b|18c|18d|309|30a|30b|38d|38e|38f|390)\..*'
    # Bochs 2.7 compares TSC_DEADLINE with its raw tick count and ignores
    # TSC writes (cpu/apic.cc set_tsc_deadline): bare, a deadline set after
    # a TSC write never fires; a partition does as SDM Vol. 3A 11.5.4.1 says.
    'tsc\.deadline\.(after_tsc_write|after_adjust_write|past)'
    # PCI: a partition sees its host bridge and the functions its config
    # gives it (gpos: IDE, NE2000), bare the whole bus (scenario 11).
    'pci\.dev\..*' 'pci\.functions'
)

allowed_re() { local IFS='|'; echo "^CONF (${ALLOWED[*]}) "; }

# conf_lines DIR: the CONF lines of DIR/com1.log, without prefix and CR.
conf_lines() { text_of "$1/com1.log" | grep -aE '^\[[^]]*\] CONF ' | sed -E 's/^\[[^]]*\] //'; }

# run_bare NAME CPUS
run_bare() {
    local d=$DIR/$1
    mkdir -p "$d"
    "$ROOT/tools/mkiso.sh" "$d/conform.iso" "$CONFORM" "" >"$d/mkiso.out" 2>&1 || fail "$1: mkiso failed"
    "$ROOT/tools/bochs-run.sh" --out "$d" --cpus "$2" --timeout 120 --strict-msrs "$d/conform.iso" >"$d/run.out" 2>&1
    [[ $(cat "$d/end" 2>/dev/null) == poweroff ]] || fail "$1: run ended by '$(cat "$d/end" 2>/dev/null)', expected its power-off"
    expect "$d/com1.log" '^\[conform\] power off: ACPI S5' "$1: the kernel's own power-off"
}

# run_partition NAME HV PARTITION [MODULE...]
run_partition() {
    local name=$1 d=$DIR/$1 hv=$2 part=$3
    shift 3
    mkdir -p "$d"
    "$ROOT/tools/mkiso.sh" "$d/conform.iso" "$hv" "exit_with=$part" "$@" "$CONFORM@$part.elf:" >"$d/mkiso.out" 2>&1 ||
        fail "$name: mkiso failed"
    "$ROOT/tools/bochs-run.sh" --out "$d" --cpus 2 --timeout 180 --strict-msrs "$d/conform.iso" >"$d/run.out" 2>&1
    [[ $(cat "$d/end" 2>/dev/null) == poweroff ]] || fail "$name: run ended by '$(cat "$d/end" 2>/dev/null)', expected poweroff"
    expect "$d/com2.log" "^\[hv\] partition '$part' stopped: powered off through ACPI" "$name: stopped by its own ACPI power-off"
    expect "$d/com2.log" "^\[hv\] exit_with=$part: ending the run with its exit code 0" "$name: the run ended with it"
}

# compare BARE PART: same CONF lines but for the allowed keys
compare() {
    local b=$DIR/$1 p=$DIR/$2 n re
    re=$(allowed_re)
    for r in "$1" "$2"; do
        conf_lines "$DIR/$r" >"$DIR/$r/conf.txt"
        n=$(wc -l <"$DIR/$r/conf.txt")
        ((n >= MIN_LINES)) || fail "$r: $n CONF lines, expected at least $MIN_LINES"
        grep -q '^CONF conform\.done ok$' "$DIR/$r/conf.txt" || fail "$r: no 'CONF conform.done ok' (stopped early?)"
        grep -aE -v "$re" "$DIR/$r/conf.txt" >"$DIR/$r/compared.txt"
    done
    if ! diff -u "$b/compared.txt" "$p/compared.txt" >"$DIR/$1-vs-$2.diff"; then
        fail "$1 vs $2: CONF lines differ beyond the allowed keys ($DIR/$1-vs-$2.diff):"
        while read -r line; do FAILURES+=("    $line"); done < <(grep -E '^[-+]CONF' "$DIR/$1-vs-$2.diff")
    else
        note "$1 = $2: $(wc -l <"$b/compared.txt") lines compared, $(($(wc -l <"$b/conf.txt") - $(wc -l <"$b/compared.txt"))) allowed to differ"
    fi
}

for f in "$CONFORM" "$BUILD/hv.elf" "$BUILD/smp/hv.elf" "$BUILD/partitions/rtos.elf"; do
    [[ -f $f ]] || fail "missing $f (make test builds it)"
done
if [[ ${#FAILURES[@]} -eq 0 ]]; then
    run_bare bare1 1
    run_partition gpos "$BUILD/hv.elf" gpos "$BUILD/partitions/rtos.elf@rtos.elf:app=demo"
    # The 1-CPU partition's broadcast INIT/SIPI must not reach the RTOS.
    expect_not "$DIR/gpos/com2.log" "partition 'rtos' stopped" "rtos stopped while gpos broadcast"
    compare bare1 gpos
    run_bare bare2 2
    run_partition duo "$BUILD/smp/hv.elf" duo
    compare bare2 duo
fi
scenario_end
