/* The rules for NMIs and injected events, pure and host-tested
 * (tests/unit/test_nmi_policy.c); vmx/nmi.c and vmx/exit.c apply them to
 * the VMCS. */
#ifndef VMX_NMI_POLICY_H
#define VMX_NMI_POLICY_H

#include "hv/types.h"

/* Who a physical NMI that reached a partition's CPU is for. The
 * hypervisor uses NMIs as its only IPI, so the same physical NMI may be
 * one of its own signals or one the guest must get (LINT1, a performance
 * counter overflow, a device): it is the hypervisor's when one of its
 * signals is outstanding, checked in this order, else the guest's. */
enum nmi_source {
    NMI_FOR_PANIC, /* the panic broadcast: the CPU stops */
    NMI_FOR_STOP,  /* its partition is stopped: the CPU parks */
    NMI_FOR_INIT,  /* the INIT emulation (vmx/apic_ipi.c) */
    NMI_FOR_KICK,  /* sent to make the CPU look at its NMI queue */
    NMI_FOR_GUEST, /* from outside the hypervisor: queued for the guest */
};

/* Classifies one physical NMI. *kicks counts kicks sent to this CPU and
 * not yet taken (incremented by senders, concurrently): a kick takes one.
 * Two NMIs that arrive while one is already pending merge into one in
 * the CPU (SDM Vol. 3A 6.7.1): a kick merged with another kick leaves a
 * credit that takes the CPU's next outside NMI, as if that one had merged
 * too; no hypervisor signal ever reaches the guest. */
enum nmi_source nmi_classify(bool panic, bool partition_stopped, bool init_requested, volatile uint32_t *kicks);

/* What the VM entry about to happen does about queued guest NMIs. */
enum nmi_action {
    NMI_NOTHING,       /* none queued: NMI-window exiting off */
    NMI_INJECT,        /* inject one now (type NMI, vector 2) */
    NMI_WAIT_WINDOW,   /* NMI-window exiting on: inject at its exit */
    NMI_DROP_WAITING,  /* the CPU waits for its SIPI: it takes no NMI */
};

/* pending: NMIs queued; interruptibility: the guest's state (Table 25-3);
 * entry_intr_info: the VM-entry interruption information already set for
 * this entry (another event is being injected: at most one per entry);
 * activity: the guest's activity state. An NMI is injected only without
 * virtual-NMI blocking and without blocking by MOV SS (injecting then
 * fails the entry, SDM Vol. 3C 27.3.1.5) or by STI (some CPUs refuse it
 * too): NMI-window exiting then waits for exactly that (26.2). A CPU in
 * wait-for-SIPI blocks NMIs and cannot take an injected event. */
enum nmi_action nmi_decide(uint32_t pending, uint32_t interruptibility, uint32_t entry_intr_info, uint32_t activity);

/* An event the hypervisor injects or re-injects, made valid for the
 * guest's mode: in real mode (CR0.PE = 0, unrestricted guest) no event
 * has an error code, and VM entry fails if one is asked for (27.2.1.3). */
uint32_t intr_info_for_guest_mode(uint32_t info, uint64_t guest_cr0);

/* The IDT-vectoring information of an exit made into VM-entry
 * interruption information that re-delivers the event (28.2.4 and
 * 27.6): the valid bit and the undefined bit 12 handled, 0 when no event
 * was being delivered. */
uint32_t intr_info_redeliver(uint32_t idt_vectoring_info);

/* Whether an event type takes the VM-entry instruction length (software
 * interrupts and exceptions, 25.8.3). */
bool intr_info_needs_instr_len(uint32_t info);

#endif
