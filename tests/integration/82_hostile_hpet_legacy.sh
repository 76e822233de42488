#!/usr/bin/env bash
# LEG_RT_CNF (legacy replacement) hands HPET comparators 0 and 1 to IRQ0
# and IRQ8, whoever owns those lines, and silences the PIT's and RTC's.
# 'rtos' sets it in GEN_CONF: refused, stopped; 'gpos' runs on.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_hpet_legacy
hostile rtos hpet-legacy 'HPET: 32-bit write of 0x3 to GEN_CONF \(offset 0x10\) refused: it sets LEG_RT_CNF'
scenario_end
