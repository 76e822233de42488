/* NMIs meant for a partition's guest (vmx/nmi.h).
 *
 * A queued NMI reaches the guest this way: the sender adds it to the
 * target vCPU's nmi_pending; the target injects one before a VM entry
 * when the guest can take it (no virtual-NMI blocking, no blocking by STI
 * or MOV SS, no other event injected), else turns NMI-window exiting on
 * and injects it at that exit. Only the transition from none queued to
 * one needs a kick (a real NMI) to another CPU: while some are queued its
 * CPU either has NMI-window exiting on or is about to enter and look. */
#include "vmx/nmi.h"

#include "arch/x86/cpu.h"
#include "arch/x86/exceptions.h"
#include "arch/x86/x2apic.h"
#include "hv/percpu.h"
#include "vmx/apic_ipi.h"
#include "vmx/nmi_policy.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

void nmi_queue_for_guest(struct partition *p, uint32_t apic_id)
{
    int k = partition_cpu_slot(p, apic_id);
    if (k < 0)
        return; /* the caller checked the target: not reached */
    /* A CPU waiting for its SIPI (or not entered yet) takes no NMI, as in
     * the wait-for-SIPI state (SDM Vol. 3C 27.7.1): none is kept for it. */
    struct vcpu *v = __atomic_load_n(&p->vcpus[k], __ATOMIC_ACQUIRE);
    if (!v || __atomic_load_n(&p->waiting_for_sipi[k], __ATOMIC_ACQUIRE))
        return;
    uint32_t before = __atomic_fetch_add(&v->nmi_pending, 1, __ATOMIC_ACQ_REL);
    if (apic_id == this_cpu()->apic_id || before)
        return;
    __atomic_fetch_add(&v->nmi_kicks, 1, __ATOMIC_ACQ_REL);
    x2apic_send_nmi(apic_id);
}

static enum nmi_source classify(struct vcpu *v)
{
    struct partition *p = v->partition;
    int k = partition_cpu_slot(p, v->apic_id);
    bool init = k >= 0 && __atomic_load_n(&p->init_requested[k], __ATOMIC_ACQUIRE);
    return nmi_classify(nmi_stop_requested, partition_stop_pending(v->partition), init, &v->nmi_kicks);
}

static void set_window(struct vcpu *v, bool on)
{
    if (v->nmi_window == on)
        return;
    v->nmi_window = on;
    vmwrite(VMCS_PROC_CONTROLS, on ? v->proc_controls | PROC_NMI_WINDOW_EXITING : v->proc_controls);
}

/* The queue emptied other than by an injection. NMI-window exiting goes
 * off with it: nmi_before_entry looks only at the queue. */
static void drop_queue(struct vcpu *v)
{
    __atomic_store_n(&v->nmi_pending, 0, __ATOMIC_RELEASE);
    set_window(v, false);
}

void nmi_take_init(struct vcpu *v)
{
    if (!apic_ipi_take_init(v))
        return;
    vmcs_enter_wait_for_sipi();
    vmwrite(VMCS_ENTRY_INTR_INFO, 0); /* an event re-delivered at this exit would fail the entry */
    drop_queue(v);
}

/* An IRET to the next instruction. After an NMI exit NMIs stay blocked
 * in root mode until the next IRET (SDM Vol. 3C 28.1); with virtual NMIs
 * the VM entry lifts that block (27.7.1), but Bochs 2.7 does not, nor the
 * one its wait-for-SIPI state leaves after a SIPI exit: without this the
 * CPU would take no NMI exit again. */
void nmi_unblock(void)
{
    __asm__ __volatile__("movl %%ss, %%eax\n\t"
                         "pushq %%rax\n\t"
                         "pushq %%rsp\n\t"
                         "addq $8, (%%rsp)\n\t"
                         "pushfq\n\t"
                         "movl %%cs, %%eax\n\t"
                         "pushq %%rax\n\t"
                         "leaq 1f(%%rip), %%rax\n\t"
                         "pushq %%rax\n\t"
                         "iretq\n"
                         "1:"
                         :
                         :
                         : "rax", "memory", "cc");
}

static void account_exit_nmi(struct vcpu *v)
{
    switch (classify(v)) {
    case NMI_FOR_PANIC:
        cpu_stop_forever();
    case NMI_FOR_STOP: /* the exit path parks the CPU */
    case NMI_FOR_KICK: /* its NMI is injected before the entry */
        return;
    case NMI_FOR_INIT:
        nmi_take_init(v);
        return;
    case NMI_FOR_GUEST:
        __atomic_fetch_add(&v->nmi_pending, 1, __ATOMIC_ACQ_REL);
        return;
    }
}

void nmi_exit(struct vcpu *v)
{
    account_exit_nmi(v);
    nmi_unblock();
}

/* Timer value 0: a VM exit before the guest runs any instruction (SDM
 * Vol. 3C 26.5.1), whatever it blocks. Without the timer, what the NMI
 * brought waits for the CPU's next exit. */
static void force_exit_after_entry(struct vcpu *v)
{
    if (!v->preemption_timer)
        return;
    vmwrite(VMCS_PREEMPTION_TIMER_VALUE, 0);
    vmwrite(VMCS_PIN_CONTROLS, v->pin_controls | PIN_PREEMPTION_TIMER);
}

void nmi_in_root_mode(void)
{
    struct vcpu *v = vcpu_current();
    if (!v)
        return; /* no partition on this CPU: a wake-up whose sender left a flag */
    enum nmi_source s = classify(v);
    if (s == NMI_FOR_PANIC)
        cpu_stop_forever();
    if (s == NMI_FOR_GUEST)
        __atomic_fetch_add(&v->nmi_pending, 1, __ATOMIC_ACQ_REL);
    /* Even a stop: it may have come after the exit path's last look. */
    force_exit_after_entry(v);
}

/* Writes a constant, never a value read before: an NMI handler that sets
 * the timer between would otherwise be undone. Anything that NMI brought
 * was accounted before its write, so the looks that follow see it. */
void nmi_forced_exit(struct vcpu *v)
{
    vmwrite(VMCS_PIN_CONTROLS, v->pin_controls);
    nmi_take_init(v);
}

static void inject_one(struct vcpu *v, uint32_t activity)
{
    vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | NMI_VECTOR);
    /* The NMI ends a HLT, as on the bare CPU: its handler returns past it. */
    if (activity == ACTIVITY_HLT)
        vmwrite(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
    /* More queued: the window opens at the guest's IRET (virtual-NMI
     * blocking is lifted without an exit, SDM Vol. 3C 26.3). */
    set_window(v, __atomic_sub_fetch(&v->nmi_pending, 1, __ATOMIC_ACQ_REL) != 0);
}

void nmi_deliver(struct vcpu *v)
{
    uint32_t pending = __atomic_load_n(&v->nmi_pending, __ATOMIC_ACQUIRE);
    if (!pending) {
        set_window(v, false);
        return;
    }
    uint32_t activity = (uint32_t)vmread(VMCS_GUEST_ACTIVITY_STATE);
    switch (nmi_decide(pending, (uint32_t)vmread(VMCS_GUEST_INTERRUPTIBILITY), (uint32_t)vmread(VMCS_ENTRY_INTR_INFO),
                       activity)) {
    case NMI_INJECT:
        inject_one(v, activity);
        return;
    case NMI_WAIT_WINDOW:
        set_window(v, true);
        return;
    case NMI_DROP_WAITING:
        drop_queue(v);
        return;
    case NMI_NOTHING:
        set_window(v, false);
        return;
    }
}
