/* VMCS construction for one vCPU: controls, host state and the guest's
 * initial state (Intel SDM Vol. 3C 25, checks in 27.2-27.3). */
#include "arch/x86/asm.h"
#include "arch/x86/cpu.h"
#include "arch/x86/exceptions.h"
#include "arch/x86/mm.h"
#include "hv/console.h"
#include "hv/percpu.h"
#include "hv/string.h"
#include "vmx/apic_mode_vcpu.h"
#include "vmx/pmu.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

#define MSR_VMX_BASIC 0x480
#define MSR_VMX_PINBASED 0x481
#define MSR_VMX_PROCBASED 0x482
#define MSR_VMX_EXIT 0x483
#define MSR_VMX_ENTRY 0x484
#define MSR_VMX_CR0_FIXED0 0x486
#define MSR_VMX_CR0_FIXED1 0x487
#define MSR_VMX_CR4_FIXED0 0x488
#define MSR_VMX_CR4_FIXED1 0x489
#define MSR_VMX_PROCBASED2 0x48B
#define MSR_VMX_TRUE_OFFSET 0xC /* 0x481 -> 0x48D etc. (A.2) */
#define MSR_PAT 0x277
#define BASIC_TRUE_CTLS (1ull << 55)

#define CR0_ET (1ull << 4)
#define CR0_NE_BIT (1ull << 5)
#define CR0_PE_BIT (1ull << 0)
#define CR0_PG_BIT (1ull << 31)
#define CR4_PAE_BIT (1ull << 5)
#define EFER_LMA (1ull << 10)

#define EXIT_STACK_SIZE KiB(16)

uint32_t vmx_vmcs_revision(void);
extern char vmx_exit_entry[];

/* Applies the allowed-0/allowed-1 settings (A.3-A.5). Returns false when
 * a wanted bit cannot be set. */
static bool adjust_controls(uint32_t msr, uint32_t want, uint32_t *out)
{
    if ((rdmsr(MSR_VMX_BASIC) & BASIC_TRUE_CTLS) && msr != MSR_VMX_PROCBASED2)
        msr += MSR_VMX_TRUE_OFFSET;
    uint64_t caps = rdmsr(msr);
    *out = (want | (uint32_t)caps) & (uint32_t)(caps >> 32);
    return (*out & want) == want;
}

/* NMIs: every physical NMI exits (the hypervisor's signals), and the
 * guest's own are virtual NMIs, injected from a per-vCPU queue when
 * NMI-window exiting says the guest can take one (vmx/nmi.c). Without
 * virtual NMIs an injected NMI would block NMIs for as long as the CPU
 * stays in VMX non-root operation (SDM Vol. 3C 27.7.1): no NMI exit, so
 * no stop, INIT or panic signal, would reach it again. Virtual NMIs need
 * NMI exiting (27.2.1.1). The VMX-preemption timer, where the CPU has
 * one, forces an exit after an NMI that arrived in root mode. */
#define PIN_WANTED (PIN_NMI_EXITING | PIN_VIRTUAL_NMIS)

static int write_controls(struct vcpu *v, const struct vcpu_setup *s)
{
    uint32_t pin, proc, proc2, exit, entry, with_timer, with_window;
    /* TSC offsetting: each vCPU its own TSC (vmx/tsc_offset.h). */
    uint32_t want_proc = PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS | PROC_SECONDARY_CONTROLS |
                         PROC_USE_TSC_OFFSETTING | (s->hlt_exits ? PROC_HLT_EXITING : 0);
    /* WBINVD exiting: a partition must not flush the caches it shares
     * with the others (vmx/exit.c, exit_wbinvd). */
    uint32_t want_proc2 = PROC2_ENABLE_EPT | PROC2_ENABLE_VPID | PROC2_UNRESTRICTED_GUEST | PROC2_WBINVD_EXITING;
    bool ok = adjust_controls(MSR_VMX_PINBASED, PIN_WANTED, &pin) &&
              /* NMI-window exiting is turned on per entry (vmx/nmi.c): it must exist. */
              adjust_controls(MSR_VMX_PROCBASED, want_proc | PROC_NMI_WINDOW_EXITING, &with_window) &&
              adjust_controls(MSR_VMX_PROCBASED, want_proc, &proc) &&
              adjust_controls(MSR_VMX_PROCBASED2, want_proc2, &proc2) &&
              adjust_controls(MSR_VMX_EXIT,
                              EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_PAT | EXIT_LOAD_PAT | EXIT_SAVE_EFER | EXIT_LOAD_EFER,
                              &exit) &&
              adjust_controls(MSR_VMX_ENTRY, ENTRY_LOAD_PAT | ENTRY_LOAD_EFER, &entry);
    if (!ok)
        return -E_NOTSUP;
    v->pin_controls = pin;
    v->proc_controls = proc;
    v->preemption_timer = adjust_controls(MSR_VMX_PINBASED, PIN_WANTED | PIN_PREEMPTION_TIMER, &with_timer);
    v->nmi_window = false;
    v->nmi_pending = v->nmi_kicks = 0;
    /* Instructions a general-purpose OS uses, when the CPU has them:
     * without these enables they raise #UD in the guest. */
    uint32_t optional2;
    adjust_controls(MSR_VMX_PROCBASED2, PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID | PROC2_ENABLE_XSAVES, &optional2);
    proc2 |= optional2 & (PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID | PROC2_ENABLE_XSAVES);
    /* IA-32e mode guest is chosen per entry (vmcs_sync_long_mode). */
    entry &= ~ENTRY_IA32E_MODE_GUEST;
    vmwrite(VMCS_PIN_CONTROLS, pin);
    vmwrite(VMCS_PROC_CONTROLS, proc);
    vmwrite(VMCS_PROC_CONTROLS2, proc2);
    vmwrite(VMCS_EXIT_CONTROLS, exit);
    vmwrite(VMCS_ENTRY_CONTROLS, entry);
    vmwrite(VMCS_EXCEPTION_BITMAP, 0);
    vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
    vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
    vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
    vmwrite(VMCS_ENTRY_INTR_INFO, 0);
    vmwrite(VMCS_IO_BITMAP_A, s->io_bitmap_pa);
    vmwrite(VMCS_IO_BITMAP_B, s->io_bitmap_pa + PAGE_SIZE);
    vmwrite(VMCS_MSR_BITMAP, (uint64_t)(uintptr_t)v->msr_bitmap); /* identity-mapped */
    vmwrite(VMCS_EPT_POINTER, s->eptp);
    vmwrite(VMCS_VPID, s->vpid);
    vmwrite(VMCS_LINK_POINTER, ~0ull);
    return 0;
}

struct PACKED desc_ptr {
    uint16_t limit;
    uint64_t base;
};

static int write_host_state(struct vcpu *v)
{
    struct desc_ptr gdtr, idtr;
    __asm__ __volatile__("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
    uint64_t stack = mm_alloc_stack(EXIT_STACK_SIZE);
    if (!stack)
        return -E_NOMEM;
    /* The top slot holds the vcpu pointer for vmx_exit_entry; RSP stays
     * 16-byte aligned below it for the C handler. */
    uint64_t host_rsp = stack - 16;
    *(struct vcpu **)(uintptr_t)host_rsp = v;
    v->launch_rsp = 0;
    vmwrite(VMCS_HOST_CR0, read_cr0());
    vmwrite(VMCS_HOST_CR3, read_cr3());
    vmwrite(VMCS_HOST_CR4, read_cr4());
    vmwrite(VMCS_HOST_CS_SEL, BOOT_CS64);
    vmwrite(VMCS_HOST_SS_SEL, BOOT_DS);
    vmwrite(VMCS_HOST_DS_SEL, BOOT_DS);
    vmwrite(VMCS_HOST_ES_SEL, BOOT_DS);
    vmwrite(VMCS_HOST_FS_SEL, 0);
    vmwrite(VMCS_HOST_GS_SEL, 0);
    vmwrite(VMCS_HOST_TR_SEL, 0x18);
    vmwrite(VMCS_HOST_FS_BASE, 0);
    vmwrite(VMCS_HOST_GS_BASE, (uint64_t)(uintptr_t)this_cpu());
    vmwrite(VMCS_HOST_TR_BASE, cpu_tss_base(this_cpu()->index));
    vmwrite(VMCS_HOST_GDTR_BASE, gdtr.base);
    vmwrite(VMCS_HOST_IDTR_BASE, idtr.base);
    vmwrite(VMCS_HOST_SYSENTER_CS, 0);
    vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
    vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
    vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
    vmwrite(VMCS_HOST_PAT, rdmsr(MSR_PAT));
    vmwrite(VMCS_HOST_RSP, host_rsp);
    vmwrite(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
    return 0;
}

struct segment {
    uint16_t sel;
    uint64_t base;
    uint32_t limit, ar;
};

/* Access rights (25.4.1): type | S<<4 | DPL<<5 | P<<7 | L<<13 | D<<14 | G<<15. */
#define AR_CODE32 0xC09B
#define AR_CODE64 0xA09B
#define AR_DATA32 0xC093
#define AR_CODE16 0x009B
#define AR_DATA16 0x0093
#define AR_TSS_BUSY 0x008B
#define AR_UNUSABLE 0x10000

static void write_segments(const struct segment *cs, const struct segment *data)
{
    static const uint32_t data_fields[][4] = {
        {VMCS_GUEST_ES_SEL, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR},
        {VMCS_GUEST_SS_SEL, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR},
        {VMCS_GUEST_DS_SEL, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR},
        {VMCS_GUEST_FS_SEL, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR},
        {VMCS_GUEST_GS_SEL, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR},
    };
    vmwrite(VMCS_GUEST_CS_SEL, cs->sel);
    vmwrite(VMCS_GUEST_CS_BASE, cs->base);
    vmwrite(VMCS_GUEST_CS_LIMIT, cs->limit);
    vmwrite(VMCS_GUEST_CS_AR, cs->ar);
    for (size_t i = 0; i < ARRAY_SIZE(data_fields); i++) {
        vmwrite(data_fields[i][0], data->sel);
        vmwrite(data_fields[i][1], data->base);
        vmwrite(data_fields[i][2], data->limit);
        vmwrite(data_fields[i][3], data->ar);
    }
    vmwrite(VMCS_GUEST_TR_SEL, 0);
    vmwrite(VMCS_GUEST_TR_BASE, 0);
    vmwrite(VMCS_GUEST_TR_LIMIT, 0x67);
    vmwrite(VMCS_GUEST_TR_AR, AR_TSS_BUSY);
    vmwrite(VMCS_GUEST_LDTR_SEL, 0);
    vmwrite(VMCS_GUEST_LDTR_BASE, 0);
    vmwrite(VMCS_GUEST_LDTR_LIMIT, 0);
    vmwrite(VMCS_GUEST_LDTR_AR, AR_UNUSABLE);
}

/* CR0/CR4 bits the guest may not control: what VMX requires to be set
 * (apart from PE/PG, free under unrestricted guest) and what it forbids.
 * The guest reads its own values from the shadows (25.6.6). */
/* CR0.CD and NW are the partition's to read back but never reach the
 * CPU: an OS sets CD around MTRR updates (which the hypervisor ignores,
 * vmx/exit_msr.c), and a real-time CPU must not lose its caches. */
#define CR0_CACHE_BITS ((1ull << 30) | (1ull << 29))

void vmcs_write_guest_cr(uint64_t cr0, uint64_t cr4)
{
    uint64_t cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0) & ~(CR0_PE_BIT | CR0_PG_BIT);
    uint64_t cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1) & ~CR0_CACHE_BITS;
    uint64_t cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0), cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
    vmwrite(VMCS_CR0_MASK, cr0_fixed0 | (~cr0_fixed1 & 0xFFFFFFFFull));
    vmwrite(VMCS_CR4_MASK, cr4_fixed0 | (~cr4_fixed1 & 0xFFFFFFFFull));
    vmwrite(VMCS_CR0_SHADOW, cr0);
    vmwrite(VMCS_CR4_SHADOW, cr4);
    vmwrite(VMCS_GUEST_CR0, (cr0 | cr0_fixed0) & cr0_fixed1);
    vmwrite(VMCS_GUEST_CR4, (cr4 | cr4_fixed0) & cr4_fixed1);
}

static void write_common_guest_state(void)
{
    vmwrite(VMCS_GUEST_DR7, 0x400);
    vmwrite(VMCS_GUEST_RSP, 0);
    vmwrite(VMCS_GUEST_RFLAGS, 0x2);
    vmwrite(VMCS_GUEST_PENDING_DBG, 0);
    vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
    vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
    vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
    vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
    vmwrite(VMCS_GUEST_PAT, 0x0007040600070406ull); /* power-on default */
    vmwrite(VMCS_GUEST_CR3, 0);
}

void vmcs_enter_protected32(struct vcpu *v, const struct guest_entry *e)
{
    struct segment cs = {0x08, 0, 0xFFFFFFFF, AR_CODE32}, ds = {0x10, 0, 0xFFFFFFFF, AR_DATA32};
    write_common_guest_state();
    write_segments(&cs, &ds);
    vmwrite(VMCS_GUEST_GDTR_BASE, 0);
    vmwrite(VMCS_GUEST_GDTR_LIMIT, 0);
    vmwrite(VMCS_GUEST_IDTR_BASE, 0);
    vmwrite(VMCS_GUEST_IDTR_LIMIT, 0);
    vmcs_write_guest_cr(CR0_PE_BIT | CR0_ET, 0);
    vmwrite(VMCS_GUEST_EFER, 0);
    vmwrite(VMCS_GUEST_RIP, e->rip);
    vmwrite(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
    v->regs.gpr[GPR_RAX] = e->rax;
    v->regs.gpr[GPR_RBX] = e->rbx;
}

void vmcs_enter_long64(struct vcpu *v, const struct guest_entry *e)
{
    struct segment cs = {e->code_sel, 0, 0xFFFFFFFF, AR_CODE64}, ds = {e->data_sel, 0, 0xFFFFFFFF, AR_DATA32};
    write_common_guest_state();
    write_segments(&cs, &ds);
    vmwrite(VMCS_GUEST_GDTR_BASE, e->gdt_base);
    vmwrite(VMCS_GUEST_GDTR_LIMIT, e->gdt_limit);
    vmwrite(VMCS_GUEST_IDTR_BASE, 0);
    vmwrite(VMCS_GUEST_IDTR_LIMIT, 0);
    vmcs_write_guest_cr(CR0_PE_BIT | CR0_ET | CR0_PG_BIT | (1ull << 16), CR4_PAE_BIT);
    vmwrite(VMCS_GUEST_CR3, e->cr3);
    vmwrite(VMCS_GUEST_EFER, EFER_LME | EFER_LMA);
    vmwrite(VMCS_GUEST_RIP, e->rip);
    vmwrite(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
    v->regs.gpr[GPR_RAX] = e->rax;
    v->regs.gpr[GPR_RBX] = e->rbx;
    v->regs.gpr[GPR_RSI] = e->rsi; /* Linux: its boot_params */
}

/* Real mode at vector:0000, as a SIPI leaves a CPU (SDM Vol. 3A 9.4.4). */
void vmcs_enter_sipi(uint8_t vector)
{
    struct segment cs = {(uint16_t)(vector << 8), (uint64_t)vector << 12, 0xFFFF, AR_CODE16};
    struct segment ds = {0, 0, 0xFFFF, AR_DATA16};
    write_common_guest_state();
    write_segments(&cs, &ds);
    vmwrite(VMCS_GUEST_GDTR_BASE, 0);
    vmwrite(VMCS_GUEST_GDTR_LIMIT, 0xFFFF);
    vmwrite(VMCS_GUEST_IDTR_BASE, 0);
    vmwrite(VMCS_GUEST_IDTR_LIMIT, 0xFFFF);
    /* CR0 as INIT leaves it, 0x60000010 (SDM Vol. 3A Table 10-1): CD and
     * NW show in the read shadow, the CPU keeps caching on. */
    vmcs_write_guest_cr(CR0_CACHE_BITS | CR0_ET, 0);
    vmwrite(VMCS_GUEST_EFER, 0);
    vmwrite(VMCS_GUEST_RIP, 0);
    vmwrite(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
}

/* Parked until the partition's boot CPU sends INIT-SIPI (SDM 26.4.2). */
void vmcs_enter_wait_for_sipi(void)
{
    vmcs_enter_sipi(0);
    vmwrite(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_WAIT_SIPI);
}

void vmcs_set_ia32e_mode(struct vcpu *v, bool on)
{
    uint64_t entry = vmread(VMCS_ENTRY_CONTROLS);
    vmwrite(VMCS_ENTRY_CONTROLS, on ? entry | ENTRY_IA32E_MODE_GUEST : entry & ~ENTRY_IA32E_MODE_GUEST);
    v->entry_ia32e = on;
}

int vcpu_init(struct vcpu *v, const struct vcpu_setup *s)
{
    v->partition = s->partition;
    v->cpu = this_cpu()->index;
    v->apic_id = this_cpu()->apic_id;
    v->vpid = s->vpid;
    v->vmcs_pa = mm_alloc_pages(1);
    uint64_t bitmap_pa = mm_alloc_pages(1);
    if (!v->vmcs_pa || !bitmap_pa)
        return -E_NOMEM;
    /* Each vCPU its own MSR bitmap: what it intercepts can change with
     * its own state (vcpu_msr_intercept). */
    v->msr_bitmap = phys_to_virt(bitmap_pa);
    memcpy(v->msr_bitmap, phys_to_virt(s->msr_bitmap_pa), MSR_BITMAP_SIZE);
    vapic_init(v); /* its starting APIC mode: which x2APIC MSRs pass */
    *(uint32_t *)phys_to_virt(v->vmcs_pa) = vmx_vmcs_revision();
    if (!vmclear(v->vmcs_pa) || !vmptrld(v->vmcs_pa))
        return -E_NOTSUP;
    int err = write_controls(v, s);
    if (err) {
        printk("cpu %u: VMX lacks a control this hypervisor needs", v->cpu);
        return err;
    }
    err = write_host_state(v);
    if (err)
        return err;
    tsc_vcpu_start(v); /* offset 0: the real TSC until the guest writes its own */
    if (!s->entry)
        vmcs_enter_wait_for_sipi();
    else if (s->entry->mode == GUEST_ENTRY_LONG64)
        vmcs_enter_long64(v, s->entry);
    else
        vmcs_enter_protected32(v, s->entry);
    vmcs_sync_long_mode(v);
    pmu_vcpu_start(); /* its counters start cleared (vmx/pmu.c) */
    return 0;
}
