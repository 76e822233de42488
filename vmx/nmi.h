/* NMIs meant for a partition's guest (virtual NMIs, Intel SDM Vol. 3C
 * 25.3, 26.7.1, 27.6.1): queued per vCPU, injected when the guest can take
 * one (NMI-window exiting), never lost, one delivery per NMI sent. */
#ifndef VMX_NMI_H
#define VMX_NMI_H

#include "hv/partition.h"

/* Queues one NMI for the vCPU of partition p on APIC id apic_id (one of
 * p's own CPUs, the sender's included) and makes that CPU see it: at its
 * next VM entry when it is the calling CPU, else by a real NMI that makes
 * it exit. */
void nmi_queue_for_guest(struct partition *p, uint32_t apic_id);

#endif
