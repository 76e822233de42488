#!/usr/bin/env bash
# CPUID promises only what the MSRs keep (issue 17, item 2): the
# conformance kernel (partitions/conform/) in partition gpos probes the
# MSRs behind what CPUID shows it. No shown feature's MSR may fault (PDCM
# and PERF_CAPABILITIES, the PMU's counters, event selects and global
# controls, and the feature-gated MSR reads of probe_cpu_features), and
# the PMU behaves as the hypervisor's boot probe found the bare CPU to
# behave: counting, accepting but counting nothing (Bochs 2.7), or hidden.
# Before vmx/cpuid_policy.c, PDCM and leaf 0AH were shown and every one of
# those MSRs got #GP.
. "$(dirname "$0")/lib.sh"
scenario_begin cpuid_msr_consistency

make_iso "exit_with=gpos" "$BUILD/partitions/rtos.elf@rtos.elf:app=demo" "$BUILD/partitions/conform.elf@gpos.elf:exit=0"
# The facts needed are printed before the tsc probes start.
boot_bochs --cpus 2 --timeout 120 --until '\[conform\] probing: tsc' "$ISO"
expect_end until

conf_value() { first_match com1 "^.*CONF $1 (.*)$"; }

# The bare CPU, as the hypervisor's boot probe saw it (vmx/pmu.c).
hv_pmu=$(first_match com2 '^\[hv\] PMU: (.*)$')
[[ -n $hv_pmu ]] || fail "the hypervisor logged no PMU probe line"
version=$(conf_value 'pmu\.version')
[[ -n $version ]] || fail "the conformance kernel printed no pmu.version"

# 1. PDCM shown: PERF_CAPABILITIES reads.
if [[ $(conf_value 'pmu\.cpuid\.pdcm') == 1 ]]; then
    expect com1 '^\[conform\] CONF msr\.0x345\.read ok' "PDCM shown and PERF_CAPABILITIES readable"
fi
[[ $hv_pmu == *"PDCM hidden"* && $(conf_value 'pmu\.cpuid\.pdcm') == 1 ]] &&
    fail "PDCM shown although the hypervisor found PERF_CAPABILITIES refused"

# 2. No MSR behind a shown PMU faults (probe_pmu touches only those).
expect_not com1 'CONF msr\.0x[0-9a-f]+\.(read|write) #' "an MSR of a shown PMU feature faulted"

# 3. The feature-gated reads of probe_cpu_features (each done only when
# CPUID shows the feature): none faults. PRED_CMD is write-only (its read
# faults on every CPU) and "unimplemented" is not a feature.
gated=$(text_of "$(log_file com1)" | grep -aE 'CONF feat\.msr\.[a-z0-9_]+(\.read)? (read )?#' |
    grep -avE 'feat\.msr\.(pred_cmd|unimplemented) ' || true)
[[ -z $gated ]] || fail "a shown feature's MSR faulted: $(echo "$gated" | tr '\n' ';')"

# 4. The PMU as on the bare CPU.
case $hv_pmu in
*"hidden from partitions"* | *"none enumerated"*)
    [[ $version == 0 ]] || fail "PMU version $version shown, the hypervisor hid it ($hv_pmu)" ;;
*"counts nothing"*)
    pmc0=$(conf_value 'pmu\.pmc0\.inst_retired')
    [[ $pmc0 == zero ]] || fail "PMC0: '$pmc0', where the bare CPU counts nothing"
    note "PMU shown (version $version) and, as on this CPU bare, counting nothing" ;;
*"(counts)"*)
    expect com1 'CONF pmu\.pmc0\.inst_retired counts' "PMC0 counts instructions"
    [[ $(conf_value 'pmu\.fixed_counters') == 0 ]] ||
        expect com1 'CONF pmu\.fixed0\.inst_retired counts' "fixed counter 0 counts"
    note "PMU version $version counts" ;;
*) fail "unrecognised PMU line: $hv_pmu" ;;
esac
hv_version=$(sed -nE 's/^version ([0-9]+),.*/\1/p' <<<"$hv_pmu")
[[ -z $hv_version || $hv_version == "$version" || $version == 0 ]] ||
    fail "leaf 0AH version $version, the CPU's is $hv_version"
scenario_end
