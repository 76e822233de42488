/* Debug build only: VM exits counted by reason and detail, and by reason
 * and guest RIP (vmx/exit_histogram.c). */
#ifndef VMX_EXIT_HISTOGRAM_H
#define VMX_EXIT_HISTOGRAM_H

#include "vmx/exit.h"

#ifdef EXIT_HISTOGRAM
void exit_histogram_count(struct vcpu *v, uint32_t basic, uint64_t q);
void exit_histogram_dump(void);
#else
static inline void exit_histogram_count(struct vcpu *v, uint32_t basic, uint64_t q) { (void)v, (void)basic, (void)q; }
static inline void exit_histogram_dump(void) {}
#endif

#endif
