/* Quiescing a stopped partition's devices, so nothing it programmed goes
 * on firing once it stops: its HPET comparators turned off, its IOAPIC
 * pins masked, the LAPIC timer of each of its CPUs disarmed. */
#ifndef HV_QUIESCE_H
#define HV_QUIESCE_H

#include "hv/partition.h"

/* The devices shared with other partitions (HPET comparators, IOAPIC
 * pins), from whichever CPU stops the partition; logs one line. */
void quiesce_partition_devices(const struct partition *p);

/* This CPU's local APIC timer (TSC-deadline and one-shot/periodic
 * modes), from each of the partition's CPUs as it parks. */
void quiesce_this_cpu_timer(void);

#endif
