/* The narrow interface between the core (hv/) and the VT-x layer: a vCPU
 * is one physical CPU running one partition's virtual CPU, pinned. Core
 * code creates and runs vCPUs and reads or writes guest registers through
 * these calls; it never touches the VMCS. */
#ifndef VMX_VCPU_H
#define VMX_VCPU_H

#include "hv/loader.h"
#include "include/hv_abi.h"
#include "vmx/bitmaps.h"
#include "vmx/mmio_decode.h"
#include "vmx/tsc_offset.h"

struct partition;

/* Guest general registers saved by vmx/entry.S, in SDM encoding order
 * (enum gpr). The RSP slot is unused: RSP lives in the VMCS. */
struct guest_regs {
    uint64_t gpr[GPR_COUNT];
};

struct vcpu {
    struct guest_regs regs; /* offset 0: entry.S relies on it */
    uint64_t launch_rsp;    /* offset 128: entry.S, for a failed launch */
    struct partition *partition;
    uint32_t cpu;           /* physical CPU index */
    uint32_t apic_id;
    uint32_t vpid;
    uint64_t vmcs_pa;
    bool launched;
    bool smi_unblock_each_exit; /* started by a SIPI: see exit_sipi */
    /* NMIs for the guest (vmx/nmi.c). nmi_pending and nmi_kicks are
     * changed by other CPUs and by this CPU's NMI handler, atomically. */
    volatile uint32_t nmi_pending; /* queued, not yet injected */
    volatile uint32_t nmi_kicks;   /* real NMIs sent to make this CPU look at the queue, not yet taken */
    bool nmi_window;               /* NMI-window exiting is on */
    bool preemption_timer;         /* it can force an exit right after the next entry */
    uint32_t proc_controls;        /* primary processor-based controls, NMI-window exiting off */
    uint32_t pin_controls;         /* pin-based controls, the VMX-preemption timer off */
    bool entry_ia32e;              /* the "IA-32e mode guest" entry control as last written */
    struct hv_exit_stats stats; /* .total is left 0: vcpu_exit_stats() sums it when asked */
    uint64_t wait_ticks; /* spent in exits waiting for other partitions (VMRPC), not counted in root_ticks */
    uint8_t *msr_bitmap; /* its own copy of the partition's MSR bitmap (vcpu_msr_intercept) */
    /* Its local APIC as the guest sees it (vmx/apic_mode_vcpu.c,
     * vmx/xapic_emul.c); the physical one stays in x2APIC mode. */
    uint8_t apic_mode;                      /* enum apic_mode */
    bool xapic_focus_disabled;              /* SVR bit 9, which the x2APIC lacks */
    uint32_t xapic_ldr, xapic_dfr;          /* xAPIC logical destination and model */
    uint32_t xapic_icr_low, xapic_icr_high; /* the ICR as last written in xAPIC mode */
    /* Its own TSC (vmx/tsc_offset.h, vmx/tsc_vcpu.c): the offset the CPU
     * adds for it, its TSC_ADJUST and TSC_DEADLINE, and whether that
     * deadline is trapped (only while the offset is not 0). */
    struct tsc_view tsc;
    bool tsc_deadline_trapped;
};

/* Per-CPU VT-x setup: VMXON with this CPU's own region. 0 or -E_NOTSUP. */
int vmx_cpu_enable(void);

struct vcpu_setup {
    struct partition *partition;
    uint64_t eptp;
    uint64_t msr_bitmap_pa, io_bitmap_pa; /* io: bitmap A then B, contiguous */
    uint32_t vpid;
    const struct guest_entry *entry; /* NULL: wait for SIPI (a partition's AP) */
    bool hlt_exits;                  /* exit on HLT (not for real-time partitions) */
};

/* Creates this CPU's VMCS for the partition. 0 or a negative error with
 * a reason logged. */
int vcpu_init(struct vcpu *v, const struct vcpu_setup *setup);

/* For a partition's AP that was sent its SIPI before it entered: start
 * in real mode at vector:0 instead of waiting. */
void vcpu_start_at_sipi(struct vcpu *v, uint8_t vector);

/* Enters the guest; returns only if the first entry fails (after
 * logging why). Exits are handled inside the VT-x layer, which calls the
 * core for hypercalls and partition stops. */
void vcpu_run(struct vcpu *v);

/* Changes what this vCPU's accesses to one MSR do (vmx/bitmaps.h),
 * starting with its next entry: for state that differs per vCPU and
 * over time (a TSC offset, the guest's LAPIC mode). */
void vcpu_msr_intercept(struct vcpu *v, uint32_t msr, enum msr_pass pass);

/* Guest state access for the core. */
uint64_t vcpu_get_gpr(const struct vcpu *v, enum gpr r);
void vcpu_set_gpr(struct vcpu *v, enum gpr r, uint64_t value);
uint64_t vcpu_get_rip(void);
/* The value an MMIO write instruction stores: its immediate or its
 * source register (AH..BH as decoded), not yet cut to its size. */
uint64_t vcpu_mmio_write_value(const struct vcpu *v, const struct mmio_insn *m);
/* Puts what an emulated MMIO read returns into its destination register
 * with the x86 rules: 32- and 64-bit destinations are replaced
 * (zero-extended), 8- and 16-bit ones keep the other bits. */
void vcpu_mmio_store_read(struct vcpu *v, const struct mmio_insn *m, uint64_t value);
/* True when the guest runs 64-bit code (then hypercall arguments are
 * 64-bit; otherwise only their low halves count). */
bool vcpu_in_64bit_mode(void);
const char *vcpu_exit_reason_name(uint32_t reason);
/* Its exit statistics, total included (the exit path counts per reason
 * only, one increment instead of two). */
void vcpu_exit_stats(const struct vcpu *v, struct hv_exit_stats *out);

/* The vCPU running on this CPU, or NULL. */
struct vcpu *vcpu_current(void);

#endif
