/* Speculation mitigations: detection, per-CPU setup, the L1D flush
 * (arch/x86/speculation.h). */
#include "arch/x86/speculation.h"

#include "arch/x86/cpu.h"
#include "hv/console.h"
#include "hv/percpu.h"

#define L1D_FLUSH_BYTES KiB(64) /* twice the largest Intel L1D (SDM "L1D flush" guidance) */

uint8_t spec_entry_flags;
uint64_t spec_host_spec_ctrl;
static bool l1tf_affected;
/* The software flush reads this; its contents do not matter. */
static uint8_t l1d_flush_buffer[L1D_FLUSH_BYTES] __attribute__((aligned(4096)));

static bool vendor_is_intel(void)
{
    struct cpuid_regs r = cpuid(0, 0);
    return r.ebx == 0x756E6547 && r.edx == 0x49656E69 && r.ecx == 0x6C65746E; /* "GenuineIntel" */
}

void spec_init_boot(void)
{
    struct spec_features f = {.intel = vendor_is_intel()};
    if (cpuid(0, 0).eax >= 7)
        f.cpuid7_edx = cpuid(7, 0).edx;
    if (f.cpuid7_edx & CPUID7_EDX_ARCH_CAP)
        f.arch_cap = rdmsr(MSR_ARCH_CAPABILITIES);
    char desc[320];
    struct spec_policy p = spec_policy_decide(&f, desc, sizeof desc);
    spec_entry_flags = p.entry_flags;
    spec_host_spec_ctrl = p.host_spec_ctrl;
    l1tf_affected = p.l1tf;
    printk("speculation: CPUID.7:EDX 0x%x, ARCH_CAPABILITIES 0x%lx: %s", f.cpuid7_edx, f.arch_cap, desc);
}

void spec_init_cpu(void)
{
    if (spec_entry_flags & SPEC_SWITCH_SPEC_CTRL)
        wrmsr(MSR_SPEC_CTRL, spec_host_spec_ctrl);
    if (spec_entry_flags & (SPEC_SWITCH_SPEC_CTRL | SPEC_VERW))
        this_cpu()->entry_work = ENTRY_WORK_EVERY_ENTRY;
}

void spec_note_foreign_data(void)
{
    if (l1tf_affected)
        __atomic_or_fetch(&this_cpu()->entry_work, ENTRY_WORK_L1D_FLUSH, __ATOMIC_RELAXED);
}

/* Called by vmx/entry.S right before a VM entry when this CPU's exit
 * touched foreign data (ENTRY_WORK_L1D_FLUSH). */
void spec_l1d_flush(void);
void spec_l1d_flush(void)
{
    __atomic_and_fetch(&this_cpu()->entry_work, ~(uint32_t)ENTRY_WORK_L1D_FLUSH, __ATOMIC_RELAXED);
    if (spec_entry_flags & SPEC_L1D_FLUSH_MSR) {
        wrmsr(MSR_FLUSH_CMD, FLUSH_CMD_L1D);
        return;
    }
    /* Software flush: touch every line of a buffer twice the L1D's size,
     * which evicts what the exit handler brought in. */
    for (size_t i = 0; i < sizeof l1d_flush_buffer; i += 64)
        (void)*(volatile uint8_t *)&l1d_flush_buffer[i];
}
