#!/usr/bin/env bash
# A CPU that enumerates a PMU and refuses its MSRs (issue 17, item 2):
# Bochs run with ignore_bad_msrs=0 shows PDCM and a version-4 PMU in
# leaf 0AH, yet raises #GP on PERF_CAPABILITIES and every counter MSR
# even bare (its default, ignore_bad_msrs=1, reads them as 0 and drops
# writes instead). The hypervisor's boot probe (vmx/pmu.c) must find that
# and hide both, so that the conformance kernel in partition gpos sees no
# PMU and no PDCM, and none of the MSRs it probes faults. Before
# vmx/pmu.c, PDCM and leaf 0AH were shown as the CPU has them.
. "$(dirname "$0")/lib.sh"
scenario_begin pmu_refused_hidden

make_iso "exit_with=gpos" "$BUILD/partitions/rtos.elf@rtos.elf:app=demo" "$BUILD/partitions/conform.elf@gpos.elf:exit=0"
boot_bochs --strict-msrs --cpus 2 --timeout 120 --until '\[conform\] probing: tsc' "$ISO"
expect_end until
grep -q 'ignore_bad_msrs=0' "$DIR/bochsrc" || fail "Bochs did not run with ignore_bad_msrs=0"

expect com2 '^\[hv\] PMU: version [0-9]+ enumerated but its MSRs refused: hidden from partitions; PDCM hidden' \
    "the boot probe found the PMU and PERF_CAPABILITIES refused"
expect com1 'CONF pmu\.cpuid\.pdcm 0' "PDCM hidden"
expect com1 'CONF pmu\.version 0' "leaf 0AH shows no PMU"
expect_not com1 'CONF msr\.0x[0-9a-f]+\.(read|write) #' "an MSR of a shown PMU feature faulted"
scenario_end
