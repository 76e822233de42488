/* Bringing up the application processors. */
#ifndef ARCH_X86_SMP_H
#define ARCH_X86_SMP_H

#include "hv/types.h"

/* Copies the real-mode trampoline to low memory. Must run while that page
 * is still writable (before mm_init_paging). */
void smp_install_trampoline(void);

/* Starts every CPU in percpu_table (state CPU_STARTING, apic_id set) other
 * than the caller, one at a time, with INIT-SIPI-SIPI (Intel SDM Vol. 3A
 * 9.4.4.1). Each runs ap_main(index) on its own stack once its tables are
 * loaded. Returns the number of CPUs that came online. */
uint32_t smp_start_aps(void (*ap_main)(uint32_t index));

#endif
