/* NMIs meant for a partition's guest (virtual NMIs, Intel SDM Vol. 3C
 * 25.6.1, 26.2, 27.6): queued per vCPU, injected when the guest can take
 * one (NMI-window exiting), never lost, one delivery per NMI sent.
 *
 * Every physical NMI that reaches a partition's CPU, in VMX non-root
 * operation (an NMI exit) or in root mode (the hypervisor's NMI handler),
 * is classified by nmi_classify() (vmx/nmi_policy.h): the hypervisor's
 * own signal (panic, partition stop, INIT emulation, a kick for a queued
 * NMI) or one for the guest, which is queued. */
#ifndef VMX_NMI_H
#define VMX_NMI_H

#include "hv/partition.h"
#include "vmx/vcpu.h"

/* Queues one NMI for the vCPU of partition p on APIC id apic_id (one of
 * p's own CPUs, the sender's included) and makes that CPU see it: at its
 * next VM entry when it is the calling CPU, else by a real NMI that makes
 * it exit. */
void nmi_queue_for_guest(struct partition *p, uint32_t apic_id);

/* An NMI exit on this vCPU (exit reason 0, NMI type). */
void nmi_exit(struct vcpu *v);

/* Lifts the NMI blocking an NMI exit or a SIPI exit leaves in root mode
 * (an IRET to the next instruction). */
void nmi_unblock(void);

/* An NMI taken in root mode (arch/x86/exceptions.c) on a CPU that runs a
 * partition's vCPU: accounted as above, then the next VM entry exits at
 * once (VMX-preemption timer at 0) so that nothing it brought waits for
 * the guest's next exit. Only memory and this CPU's VMCS are touched: it
 * may have interrupted anything in root mode. */
void nmi_in_root_mode(void);

/* The exit forced by nmi_in_root_mode(): the timer off again, then a
 * pending INIT taken (a stop is taken by the exit path, queued NMIs by
 * nmi_before_entry). */
void nmi_forced_exit(struct vcpu *v);

/* An INIT request for this vCPU, if any, taken: the CPU waits for its
 * SIPI, with no event injected and its queued NMIs dropped (INIT resets
 * the CPU). */
void nmi_take_init(struct vcpu *v);

/* Injects one queued NMI or waits for the NMI window; turns the window
 * off when nothing is queued. */
void nmi_deliver(struct vcpu *v);

/* Before every VM entry after an exit: one test when nothing is queued
 * (NMI-window exiting is on only while some NMI is). */
static inline void nmi_before_entry(struct vcpu *v)
{
    if (__builtin_expect(v->nmi_pending != 0, 0))
        nmi_deliver(v);
}

#endif
