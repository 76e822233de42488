/* Hypervisor awareness, for reporting only: the RTOS runs the same way
 * with or without it. Detection and hc(): partitions/common/hv.h. */
#ifndef RTOS_X86_HV_H
#define RTOS_X86_HV_H

#include "partitions/common/hv.h"

/* HC_EXIT_STATS for this CPU: its `total` into *total. Each call is
 * itself one exit, counted before the copy is made (vmx/exit.c). */
int hv_exit_total(uint64_t *total);

#endif
