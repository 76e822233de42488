/* A fault in the hypervisor (root mode) outside any exception fixup,
 * while this CPU serves a partition's VM exit: the partition on whose
 * behalf the CPU ran is stopped, the CPU parks, the hypervisor goes on. */
#ifndef VMX_ROOT_FAULT_H
#define VMX_ROOT_FAULT_H

#include "arch/x86/exceptions.h"

/* Called by exception_dispatch() after the frame was dumped. Does not
 * return when this CPU runs a partition (the partition is stopped);
 * returns when it runs none, or for a fault inside that stop itself,
 * or for #DF/#MC (then the caller stops the CPU as before). */
void root_fault_stop_partition(const struct exception_frame *f);

/* Testing (boot option fault=exit-pf): when armed, the next access of a
 * partition to an I/O port nobody owns page-faults in the hypervisor
 * while its exit is served (vmx/exit_io.c). */
extern bool root_fault_test_armed;
void root_fault_test(void);

#endif
