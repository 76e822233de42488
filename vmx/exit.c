/* VM-exit dispatch: one table indexed by the basic exit reason (Intel SDM
 * Vol. 3C Appendix C), each handler short. Reasons without a handler stop
 * the partition with the reason logged: nothing unexpected is ignored. */
#include "vmx/exit.h"

#include "arch/x86/cpu.h"
#include "hv/console.h"
#include "hv/percpu.h"
#include "vmx/apic_ipi.h"
#include "vmx/exit_histogram.h"
#include "vmx/guest_rip.h"
#include "vmx/halt_irqs_off.h"
#include "vmx/nmi.h"
#include "vmx/nmi_policy.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

#define BLOCKING_STI_MOVSS (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS)

/* RF or TF set: the rare part of completing an instruction (guest_rip.h):
 * RF cleared, and TF's single-step #DB made pending, to be delivered
 * right after the VM entry (SDM Vol. 3C 27.7.3). */
static __attribute__((noinline)) void complete_debug_flags(uint64_t rflags)
{
    bool single_step;
    uint64_t debugctl = (rflags & RFLAGS_TF) ? vmread(VMCS_GUEST_DEBUGCTL) : 0;
    vmwrite(VMCS_GUEST_RFLAGS, rflags_after_instruction(rflags, debugctl, &single_step));
    if (single_step)
        vmwrite(VMCS_GUEST_PENDING_DBG, vmread(VMCS_GUEST_PENDING_DBG) | PENDING_DBG_BS);
}

/* The guest's instruction of `length` bytes was carried out here: the
 * guest goes on as after the CPU's own execution of it. EIP wraps outside
 * 64-bit mode (checked only when the sum crosses 4 GiB, where that can
 * matter); blocking by STI or MOV SS, which covered just this
 * instruction, ends (SDM Vol. 3C 25.4.2); RF and TF as above. */
void vmx_advance_rip_by(uint64_t length)
{
    uint64_t rip = vmread(VMCS_GUEST_RIP), next = rip + length;
    if (__builtin_expect(((next ^ rip) >> 32) != 0, 0))
        next = guest_rip_after(rip, length, vcpu_in_64bit_mode());
    vmwrite(VMCS_GUEST_RIP, next);
    uint64_t blocking = vmread(VMCS_GUEST_INTERRUPTIBILITY);
    if (__builtin_expect(blocking & BLOCKING_STI_MOVSS, 0))
        vmwrite(VMCS_GUEST_INTERRUPTIBILITY, blocking & ~(uint64_t)BLOCKING_STI_MOVSS);
    uint64_t rflags = vmread(VMCS_GUEST_RFLAGS);
    if (__builtin_expect(rflags & (RFLAGS_TF | RFLAGS_RF), 0))
        complete_debug_flags(rflags);
}

void vmx_advance_rip(void) { vmx_advance_rip_by(vmread(VMCS_EXIT_INSTR_LEN)); }

/* An exception as the CPU itself would deliver it: in real mode
 * (unrestricted guest, CR0.PE = 0) none pushes an error code, and asking
 * for one fails the VM entry (SDM Vol. 3C 27.2.1.3); a fault pushes RF
 * set, which VM entry does not do by itself (guest_rip.h). */
static void inject(uint32_t info, uint32_t error)
{
    if (info & INTR_DELIVER_ERROR) {
        info = intr_info_for_guest_mode(info, vmread(VMCS_GUEST_CR0));
        if (info & INTR_DELIVER_ERROR)
            vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, error);
    }
    vmwrite(VMCS_GUEST_RFLAGS, rflags_for_injected_event(vmread(VMCS_GUEST_RFLAGS), info));
    vmwrite(VMCS_ENTRY_INTR_INFO, info | INTR_INFO_VALID);
}

void vmx_inject_gp(void) { inject(INTR_TYPE_HW_EXCEPTION | INTR_DELIVER_ERROR | 13, 0); }
void vmx_inject_ud(void) { inject(INTR_TYPE_HW_EXCEPTION | 6, 0); }

/* NMIs go through the vCPU's queue: at most one per entry, none while
 * the guest blocks them (vmx/nmi.c). */
void vmx_inject_nmi(void)
{
    struct vcpu *v = vcpu_current();
    nmi_queue_for_guest(v->partition, v->apic_id);
}

/* An exit that interrupted the delivery of an event (SDM Vol. 3C
 * 28.2.4) leaves it in the IDT-vectoring information: it is delivered
 * again at the next entry, else it would be lost (an external interrupt
 * already taken from the APIC, an NMI, an exception). Only exits that
 * are not instructions can come during a delivery (instruction exits
 * such as CPUID come at an instruction boundary, and pay nothing for
 * this): the handlers of those that resume the guest call it first. An
 * EPT violation then came from the delivery itself (the guest's IDT, GDT
 * or stack outside its RAM), not from the instruction at RIP, which the
 * MMIO emulation would otherwise carry out: the partition stops. */
static void redeliver_interrupted_event(uint32_t basic)
{
    uint32_t vectoring = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);
    if (!(vectoring & INTR_INFO_VALID))
        return;
    if (basic == EXIT_EPT_VIOLATION)
        partition_stop_current(-1, "delivery of event 0x%x touched GPA 0x%lx: not memory of this partition (RIP 0x%lx)",
                               vectoring, vmread(VMCS_GUEST_PHYS_ADDR), vmread(VMCS_GUEST_RIP));
    uint32_t info = intr_info_redeliver(vectoring);
    /* An exit during NMI delivery leaves virtual-NMI blocking set, with
     * which injecting it fails the entry (27.3.1.5). */
    if ((info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI)
        vmwrite(VMCS_GUEST_INTERRUPTIBILITY, vmread(VMCS_GUEST_INTERRUPTIBILITY) & ~(uint64_t)BLOCKING_BY_NMI);
    if (info & INTR_DELIVER_ERROR)
        vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, vmread(VMCS_IDT_VECTORING_ERROR));
    if (intr_info_needs_instr_len(info))
        vmwrite(VMCS_ENTRY_INSTR_LEN, vmread(VMCS_EXIT_INSTR_LEN));
    vmwrite(VMCS_ENTRY_INTR_INFO, info);
}

/* A physical NMI while the guest ran (the exception bitmap is empty, so
 * nothing else exits with this reason): the hypervisor's own signal or
 * one for the guest, which is queued (vmx/nmi.h). */
static void exit_exception_nmi(struct vcpu *v, uint64_t q)
{
    (void)q;
    uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);
    if ((info & (INTR_INFO_TYPE_MASK | INTR_INFO_VECTOR_MASK)) != (INTR_TYPE_NMI | NMI_VECTOR))
        partition_stop_current(-1, "unexpected exception exit (interruption info 0x%x)", info);
    redeliver_interrupted_event(EXIT_EXCEPTION_NMI);
    nmi_exit(v);
}

/* NMI-window exiting is on only while an NMI is queued: the guest can
 * take it now, and nmi_before_entry injects it. */
static void exit_nmi_window(struct vcpu *v, uint64_t q)
{
    (void)v, (void)q;
    redeliver_interrupted_event(EXIT_NMI_WINDOW);
}

/* Forced by an NMI that came while this CPU was in root mode
 * (nmi_in_root_mode): whatever it brought is taken now. */
static void exit_preemption_timer(struct vcpu *v, uint64_t q)
{
    (void)q;
    redeliver_interrupted_event(EXIT_PREEMPTION_TIMER);
    nmi_forced_exit(v);
}

/* vmx/exit_ept.c emulates the instruction at RIP: first make sure the
 * access was the instruction's. */
static void exit_ept_violation_checked(struct vcpu *v, uint64_t q)
{
    redeliver_interrupted_event(EXIT_EPT_VIOLATION);
    exit_ept_violation(v, q);
}

static void exit_triple_fault(struct vcpu *v, uint64_t q)
{
    (void)v, (void)q;
    partition_stop_current(-1, "triple fault at RIP 0x%lx", vmread(VMCS_GUEST_RIP));
}

/* A real INIT signal (SDM Vol. 3C 26.2). The hypervisor never sends one
 * to a partition's CPU (INIT between its own CPUs is emulated with an
 * NMI, vmx/apic_ipi.c), so it came from outside: a LINT pin or a device
 * programmed for INIT delivery. Its OS would lose the CPU without
 * knowing why: the partition stops, with the reason logged. */
static void exit_init(struct vcpu *v, uint64_t q)
{
    (void)v, (void)q;
    partition_stop_current(-1, "unexpected INIT signal at RIP 0x%lx (the hypervisor sends partitions none)",
                           vmread(VMCS_GUEST_RIP));
}

/* The partition's own boot CPU started this one (SDM 27.2: the vector is
 * the exit qualification). Bochs keeps SMI and NMI blocked after its
 * wait-for-SIPI state: NMIs are unblocked here by an IRET (nmi_unblock),
 * and the SMI blocking it saves at each later exit of this CPU, with
 * which an entry outside SMM fails (27.3.1.5), is cleared each time
 * (smi_unblock_each_exit). */
static void exit_sipi(struct vcpu *v, uint64_t q)
{
    vcpu_start_at_sipi(v, (uint8_t)q);
    apic_ipi_started(v);
    nmi_unblock();
}

/* HLT exits only for partitions configured so. With interrupts off only
 * an NMI or INIT wakes the CPU: when no other CPU of the partition runs
 * to send one, report it and stop the partition (halt_irqs_off.h). */
static void exit_hlt(struct vcpu *v, uint64_t q)
{
    (void)q;
    /* The HLT completes, so blocking by STI or MOV SS that covered it
     * ends (vmx_advance_rip); left set, the entry in the HLT state after
     * an "sti; hlt" (an OS's idle loop) would fail (SDM 27.3.1.5). */
    vmx_advance_rip();
    if (!(vmread(VMCS_GUEST_RFLAGS) & (1u << 9)) && halt_irqs_off_ends_partition(v))
        partition_stop_current(-1, "halted with interrupts disabled at RIP 0x%lx", vmread(VMCS_GUEST_RIP));
    vmwrite(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_HLT);
}

/* Hypercalls belong to the partition's kernel: VMCALL at CPL > 0 (a
 * Linux process) is #UD, as when no hypervisor listens. The CPL is SS's
 * DPL (SDM Vol. 3C 25.4.1). */
static void exit_vmcall(struct vcpu *v, uint64_t q)
{
    (void)q;
    if ((vmread(VMCS_GUEST_SS_AR) >> 5) & 3)
        return vmx_inject_ud();
    if (v->regs.gpr[GPR_RAX] == HC_EXIT_STATS)
        exit_histogram_dump();
    int64_t result = hypercall_dispatch(v);
    v->regs.gpr[GPR_RAX] = (uint64_t)result;
    vmx_advance_rip();
}

/* VMX is hidden from partitions: its instructions are #UD, as on a CPU
 * without VMX. */
static void exit_vmx_instruction(struct vcpu *v, uint64_t q)
{
    (void)v, (void)q;
    vmx_inject_ud();
}

static void exit_invd(struct vcpu *v, uint64_t q)
{
    (void)v, (void)q;
    vmx_advance_rip(); /* dropping caches without writeback would hurt others */
}

/* WBINVD would write back and invalidate the caches the partition shares
 * with the others (the last-level cache under the RTOS): trapped, counted
 * in its exit statistics, logged once per partition and ignored. Its
 * memory is write-back and coherent (EPT fixes the memory type, devices
 * snoop), so nothing the partition can observe depends on the flush; an
 * emulation with CLFLUSH over its RAM (256 MiB for Linux) would stall its
 * own CPU for milliseconds and still evict shared lines. */
static void exit_wbinvd(struct vcpu *v, uint64_t q)
{
    (void)q;
    if (!__atomic_exchange_n(&v->partition->wbinvd_logged, true, __ATOMIC_RELAXED))
        printk("%s: WBINVD at RIP 0x%lx ignored (shared caches; further ones only counted)", v->partition->label,
               vmread(VMCS_GUEST_RIP));
    vmx_advance_rip();
}

static void exit_ept_misconfig(struct vcpu *v, uint64_t q)
{
    (void)v, (void)q;
    partition_stop_current(-1, "EPT misconfiguration at GPA 0x%lx (hypervisor bug)", vmread(VMCS_GUEST_PHYS_ADDR));
}

static const exit_handler_fn handlers[HV_EXIT_REASONS] = {
    [EXIT_EXCEPTION_NMI] = exit_exception_nmi,
    [EXIT_TRIPLE_FAULT] = exit_triple_fault,
    [EXIT_INIT] = exit_init,
    [EXIT_SIPI] = exit_sipi,
    [EXIT_NMI_WINDOW] = exit_nmi_window,
    [EXIT_CPUID] = exit_cpuid,
    [EXIT_GETSEC] = exit_vmx_instruction,
    [EXIT_HLT] = exit_hlt,
    [EXIT_INVD] = exit_invd,
    [EXIT_VMCALL] = exit_vmcall,
    [EXIT_VMCLEAR ... EXIT_VMXON] = exit_vmx_instruction,
    [EXIT_CR_ACCESS] = exit_cr_access,
    [EXIT_IO] = exit_io,
    [EXIT_RDMSR] = exit_rdmsr,
    [EXIT_WRMSR] = exit_wrmsr,
    [EXIT_EPT_VIOLATION] = exit_ept_violation_checked,
    [EXIT_EPT_MISCONFIG] = exit_ept_misconfig,
    [EXIT_INVEPT] = exit_vmx_instruction,
    [EXIT_PREEMPTION_TIMER] = exit_preemption_timer,
    [EXIT_INVVPID] = exit_vmx_instruction,
    [EXIT_WBINVD] = exit_wbinvd,
    [EXIT_XSETBV] = exit_xsetbv,
    [EXIT_VMFUNC] = exit_vmx_instruction,
};

static const char *const reason_names[HV_EXIT_REASONS] = {
    [EXIT_EXCEPTION_NMI] = "exception/NMI", [EXIT_EXTERNAL_INTERRUPT] = "external interrupt",
    [EXIT_TRIPLE_FAULT] = "triple fault", [EXIT_INIT] = "INIT", [EXIT_SIPI] = "SIPI",
    [EXIT_NMI_WINDOW] = "NMI window", [EXIT_CPUID] = "CPUID",
    [EXIT_GETSEC] = "GETSEC", [EXIT_HLT] = "HLT", [EXIT_INVD] = "INVD", [EXIT_VMCALL] = "VMCALL",
    [EXIT_CR_ACCESS] = "CR access", [EXIT_IO] = "I/O", [EXIT_RDMSR] = "RDMSR", [EXIT_WRMSR] = "WRMSR",
    [EXIT_INVALID_GUEST_STATE] = "invalid guest state", [EXIT_MSR_LOADING] = "MSR loading",
    [EXIT_MACHINE_CHECK] = "machine check", [EXIT_EPT_VIOLATION] = "EPT violation",
    [EXIT_EPT_MISCONFIG] = "EPT misconfig", [EXIT_PREEMPTION_TIMER] = "preemption timer",
    [EXIT_WBINVD] = "WBINVD", [EXIT_XSETBV] = "XSETBV",
};

const char *vcpu_exit_reason_name(uint32_t reason) { return vmx_exit_reason_name(reason); }

const char *vmx_exit_reason_name(uint32_t reason)
{
    return reason < HV_EXIT_REASONS && reason_names[reason] ? reason_names[reason] : "other";
}

static NORETURN void failed_entry(uint32_t reason)
{
    uint32_t basic = reason & 0xFFFF;
    printk("cpu %u: failed entry with interruptibility 0x%lx, activity state %lu, event 0x%lx",
           this_cpu()->index, vmread(VMCS_GUEST_INTERRUPTIBILITY), vmread(VMCS_GUEST_ACTIVITY_STATE),
           vmread(VMCS_ENTRY_INTR_INFO));
    partition_stop_current(-1, "VM entry failed: %s (exit reason %u, qualification 0x%lx), RIP 0x%lx CR0 0x%lx CR4 0x%lx",
                           basic == EXIT_INVALID_GUEST_STATE ? "invalid guest state"
                           : basic == EXIT_MSR_LOADING     ? "MSR loading"
                                                           : "machine check",
                           basic, vmread(VMCS_EXIT_QUALIFICATION), vmread(VMCS_GUEST_RIP), vmread(VMCS_GUEST_CR0),
                           vmread(VMCS_GUEST_CR4));
}

/* Reads the reason again: the exit path keeps nothing for this. */
static NORETURN __attribute__((noinline)) void unhandled_exit(void)
{
    uint32_t basic = (uint32_t)vmread(VMCS_EXIT_REASON) & 0xFFFF;
    partition_stop_current(-1, "unhandled VM exit: reason %u (%s), qualification 0x%lx, RIP 0x%lx", basic,
                           vmx_exit_reason_name(basic), vmread(VMCS_EXIT_QUALIFICATION), vmread(VMCS_GUEST_RIP));
}

/* Inlined in both callers: a call and a second prologue would cost the
 * CPUID exit path (cpuid_exit_ticks) more than all its NMI checks. */
static inline __attribute__((always_inline)) void handle_exit(struct vcpu *v, uint32_t reason)
{
    uint32_t basic = reason & 0xFFFF;
    exit_handler_fn fn = NULL;
    if (__builtin_expect(basic < HV_EXIT_REASONS, 1)) {
        v->stats.by_reason[basic]++;
        fn = handlers[basic];
    }
    if (reason & EXIT_REASON_FAILED_ENTRY)
        failed_entry(reason);
    if (v->smi_unblock_each_exit)
        vmwrite(VMCS_GUEST_INTERRUPTIBILITY, vmread(VMCS_GUEST_INTERRUPTIBILITY) & ~(uint64_t)BLOCKING_BY_SMI);
    if (!fn)
        unhandled_exit();
    uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);
    exit_histogram_count(v, basic, q);
    fn(v, q);
    if (partition_stop_pending(v->partition))
        partition_park_cpu(v);
    nmi_before_entry(v);
    vmcs_sync_long_mode(v);
}

/* Hypercalls are timed (root_ticks: VMRPC's cost in the hypervisor, the
 * time spent waiting for another partition left out); other exits are
 * not, so that they pay nothing for it. vmx/entry.S adds 36 instructions
 * of register save and restore around this, not counted. */
static __attribute__((noinline)) void handle_timed_exit(struct vcpu *v, uint32_t reason)
{
    uint64_t start = rdtsc(), waited = v->wait_ticks;
    handle_exit(v, reason);
    v->stats.root_ticks += rdtsc() - start - (v->wait_ticks - waited);
}

void vmx_handle_exit(struct vcpu *v);
void vmx_handle_exit(struct vcpu *v)
{
    uint32_t reason = (uint32_t)vmread(VMCS_EXIT_REASON);
    if (reason == EXIT_VMCALL)
        handle_timed_exit(v, reason);
    else
        handle_exit(v, reason);
}

void vmx_entry_failed(struct vcpu *v);
void vmx_entry_failed(struct vcpu *v)
{
    (void)v;
    partition_stop_current(-1, "VMRESUME failed: VM-instruction error %lu", vmread(VMCS_INSTR_ERROR));
}
