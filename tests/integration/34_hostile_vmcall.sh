#!/usr/bin/env bash
# Hypercalls with garbage (unknown operation, buffers outside its RAM or straddling its end, bad sizes) return errors; nothing outside the caller's memory is touched and it goes on.
. "$(dirname "$0")/lib.sh"
scenario_begin hostile_vmcall
hostile gpos vmcall-garbage ''
expect com1 '^\[gpos\] attack vmcall-garbage: survived, 7/7 refused' 'every garbage call refused'
scenario_end
