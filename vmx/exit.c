/* VM-exit dispatch: one table indexed by the basic exit reason (Intel SDM
 * Vol. 3C Appendix C), each handler short. Reasons without a handler stop
 * the partition with the reason logged: nothing unexpected is ignored. */
#include "vmx/exit.h"

#include "arch/x86/cpu.h"
#include "arch/x86/exceptions.h"
#include "hv/console.h"
#include "hv/percpu.h"
#include "vmx/apic_ipi.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

#define BLOCKING_SMI_NMI 0xCu /* interruptibility bits 2 and 3 (SDM 25.4.2) */

#define BLOCKING_STI_MOVSS 0x3u /* interruptibility bits 0 and 1 */

void vmx_advance_rip(void) { vmwrite(VMCS_GUEST_RIP, vmread(VMCS_GUEST_RIP) + vmread(VMCS_EXIT_INSTR_LEN)); }

static void inject(uint32_t info, uint32_t error)
{
    vmwrite(VMCS_ENTRY_INTR_INFO, info | INTR_INFO_VALID);
    if (info & INTR_DELIVER_ERROR)
        vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, error);
}

void vmx_inject_gp(void) { inject(INTR_TYPE_HW_EXCEPTION | INTR_DELIVER_ERROR | 13, 0); }
void vmx_inject_ud(void) { inject(INTR_TYPE_HW_EXCEPTION | 6, 0); }
void vmx_inject_nmi(void) { inject(INTR_TYPE_NMI | 2, 0); }

/* An NMI while the guest ran: the hypervisor's own signal (a stop
 * request, a panic) or one meant for the guest, which it then gets. */
static void exit_exception_nmi(struct vcpu *v, uint64_t q)
{
    (void)q;
    uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);
    if ((info & 0x7FF) != (INTR_TYPE_NMI | 2))
        partition_stop_current(-1, "unexpected exception exit (interruption info 0x%x)", info);
    if (nmi_stop_requested)
        cpu_stop_forever();
    if (partition_stop_pending(v))
        return;
    if (apic_ipi_take_init(v)) { /* an INIT from a sibling CPU */
        vmcs_enter_wait_for_sipi();
        return;
    }
    vmx_inject_nmi();
}

static void exit_triple_fault(struct vcpu *v, uint64_t q)
{
    (void)v, (void)q;
    partition_stop_current(-1, "triple fault at RIP 0x%lx", vmread(VMCS_GUEST_RIP));
}

/* A real INIT (the hypervisor never sends one to a partition; the
 * platform might): reset to wait-for-SIPI (SDM 26.4.2, 27.2). */
static void exit_init(struct vcpu *v, uint64_t q)
{
    (void)q;
    vmcs_enter_wait_for_sipi();
    apic_ipi_parked(v);
}

/* The partition's own boot CPU started this one (SDM 27.2: the vector is
 * the exit qualification). Bochs leaves SMI and NMI blocking set in the
 * state it saves at the next exit, which would fail the entry after it;
 * a CPU just out of wait-for-SIPI blocks neither, so they are cleared
 * once (fix_blocking). */
static void exit_sipi(struct vcpu *v, uint64_t q)
{
    vcpu_start_at_sipi(v, (uint8_t)q);
    apic_ipi_started(v);
}

/* HLT exits only for partitions configured so. With interrupts off the
 * guest could never wake: report it and stop the partition. */
static void exit_hlt(struct vcpu *v, uint64_t q)
{
    (void)v, (void)q;
    vmx_advance_rip();
    if (!(vmread(VMCS_GUEST_RFLAGS) & (1u << 9)))
        partition_stop_current(-1, "halted with interrupts disabled at RIP 0x%lx", vmread(VMCS_GUEST_RIP));
    /* The HLT completed, so blocking by STI or MOV SS that covered it
     * ends (SDM Vol. 3C 25.4.2); left set, the entry in the HLT state
     * after an "sti; hlt" (an OS's idle loop) would fail (SDM 27.3.1.5). */
    vmwrite(VMCS_GUEST_INTERRUPTIBILITY, vmread(VMCS_GUEST_INTERRUPTIBILITY) & ~(uint64_t)BLOCKING_STI_MOVSS);
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
    [EXIT_EPT_VIOLATION] = exit_ept_violation,
    [EXIT_EPT_MISCONFIG] = exit_ept_misconfig,
    [EXIT_INVEPT] = exit_vmx_instruction,
    [EXIT_INVVPID] = exit_vmx_instruction,
    [EXIT_WBINVD] = exit_wbinvd,
    [EXIT_XSETBV] = exit_xsetbv,
    [EXIT_VMFUNC] = exit_vmx_instruction,
};

static const char *const reason_names[HV_EXIT_REASONS] = {
    [EXIT_EXCEPTION_NMI] = "exception/NMI", [EXIT_EXTERNAL_INTERRUPT] = "external interrupt",
    [EXIT_TRIPLE_FAULT] = "triple fault", [EXIT_INIT] = "INIT", [EXIT_SIPI] = "SIPI", [EXIT_CPUID] = "CPUID",
    [EXIT_GETSEC] = "GETSEC", [EXIT_HLT] = "HLT", [EXIT_INVD] = "INVD", [EXIT_VMCALL] = "VMCALL",
    [EXIT_CR_ACCESS] = "CR access", [EXIT_IO] = "I/O", [EXIT_RDMSR] = "RDMSR", [EXIT_WRMSR] = "WRMSR",
    [EXIT_INVALID_GUEST_STATE] = "invalid guest state", [EXIT_MSR_LOADING] = "MSR loading",
    [EXIT_MACHINE_CHECK] = "machine check", [EXIT_EPT_VIOLATION] = "EPT violation",
    [EXIT_EPT_MISCONFIG] = "EPT misconfig", [EXIT_WBINVD] = "WBINVD", [EXIT_XSETBV] = "XSETBV",
};

const char *vcpu_exit_reason_name(uint32_t reason) { return vmx_exit_reason_name(reason); }

const char *vmx_exit_reason_name(uint32_t reason)
{
    return reason < HV_EXIT_REASONS && reason_names[reason] ? reason_names[reason] : "other";
}

static NORETURN void failed_entry(uint32_t reason)
{
    uint32_t basic = reason & 0xFFFF;
    partition_stop_current(-1, "VM entry failed: %s (exit reason %u, qualification 0x%lx), RIP 0x%lx CR0 0x%lx CR4 0x%lx",
                           basic == EXIT_INVALID_GUEST_STATE ? "invalid guest state"
                           : basic == EXIT_MSR_LOADING     ? "MSR loading"
                                                           : "machine check",
                           basic, vmread(VMCS_EXIT_QUALIFICATION), vmread(VMCS_GUEST_RIP), vmread(VMCS_GUEST_CR0),
                           vmread(VMCS_GUEST_CR4));
}

static inline void handle_exit(struct vcpu *v, uint32_t reason)
{
    uint32_t basic = reason & 0xFFFF;
    v->stats.total++;
    if (basic < HV_EXIT_REASONS)
        v->stats.by_reason[basic]++;
    if (reason & EXIT_REASON_FAILED_ENTRY)
        failed_entry(reason);
    if (v->fix_blocking) {
        vmwrite(VMCS_GUEST_INTERRUPTIBILITY, vmread(VMCS_GUEST_INTERRUPTIBILITY) & ~BLOCKING_SMI_NMI);
        v->fix_blocking = false;
    }
    exit_handler_fn fn = basic < HV_EXIT_REASONS ? handlers[basic] : NULL;
    if (!fn)
        partition_stop_current(-1, "unhandled VM exit: reason %u (%s), qualification 0x%lx, RIP 0x%lx", basic,
                               vmx_exit_reason_name(basic), vmread(VMCS_EXIT_QUALIFICATION), vmread(VMCS_GUEST_RIP));
    fn(v, vmread(VMCS_EXIT_QUALIFICATION));
    if (partition_stop_pending(v))
        partition_park_cpu(v);
    vmcs_sync_long_mode();
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
