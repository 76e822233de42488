/* INIT-SIPI-SIPI start-up of the APs, one at a time: they share the
 * trampoline's parameter page. */
#include "arch/x86/smp.h"

#include "arch/x86/asm.h"
#include "arch/x86/cpu.h"
#include "arch/x86/exceptions.h"
#include "arch/x86/mm.h"
#include "arch/x86/tsc.h"
#include "arch/x86/x2apic.h"
#include "hv/console.h"
#include "hv/percpu.h"
#include "hv/string.h"

#define AP_STACK_SIZE KiB(16)
#define INIT_DELAY_US 10000
#define SIPI_DELAY_US 200
#define ONLINE_TIMEOUT_US 100000

extern const char ap_trampoline_start[], ap_trampoline_end[];

static volatile uint32_t ap_booting_index;
static void (*ap_main_fn)(uint32_t index);

void smp_install_trampoline(void)
{
    memcpy(phys_to_virt(AP_TRAMPOLINE_PA), ap_trampoline_start, (size_t)(ap_trampoline_end - ap_trampoline_start));
}

/* First C code on an AP: 64-bit mode, hypervisor CR3, boot GDT. */
static NORETURN void ap_entry(void)
{
    uint32_t index = ap_booting_index;
    percpu_bind(index);
    cpu_tables_init(index);
    struct percpu *me = this_cpu();
    if (x2apic_enable() != 0 || x2apic_id() != me->apic_id) {
        printk("cpu %u: local APIC id mismatch or no x2APIC; stopping it", index);
        me->state = CPU_STOPPED;
        cpu_stop_forever();
    }
    __atomic_store_n(&me->state, CPU_ONLINE, __ATOMIC_RELEASE);
    ap_main_fn(index);
    cpu_stop_forever();
}

static bool wait_online(struct percpu *p, uint64_t timeout_us)
{
    uint64_t step = 10;
    for (uint64_t waited = 0; waited < timeout_us; waited += step) {
        if (__atomic_load_n(&p->state, __ATOMIC_ACQUIRE) != CPU_STARTING)
            return true;
        tsc_delay_us(step);
    }
    return false;
}

static bool start_one(struct percpu *p)
{
    uint64_t stack_top = mm_alloc_stack(AP_STACK_SIZE);
    if (!stack_top) {
        printk("cpu %u: no memory for its stack", p->index);
        return false;
    }
    p->stack_top = stack_top;
    uint8_t *params = phys_to_virt(AP_PARAMS_PA);
    *(uint32_t *)(params + AP_PARAM_CR3) = (uint32_t)mm_root();
    /* As after a call: the ABI expects RSP = 8 mod 16 at function entry. */
    *(uint64_t *)(params + AP_PARAM_STACK) = stack_top - 8;
    *(uint64_t *)(params + AP_PARAM_ENTRY) = (uint64_t)(uintptr_t)ap_entry;
    *(uint32_t *)(params + AP_PARAM_EFER) = (uint32_t)(rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE));
    ap_booting_index = p->index;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    uint8_t vector = AP_TRAMPOLINE_PA >> PAGE_SHIFT;
    x2apic_send_init(p->apic_id);
    tsc_delay_us(INIT_DELAY_US);
    x2apic_send_sipi(p->apic_id, vector);
    if (wait_online(p, SIPI_DELAY_US))
        return p->state == CPU_ONLINE;
    x2apic_send_sipi(p->apic_id, vector);
    if (wait_online(p, ONLINE_TIMEOUT_US))
        return p->state == CPU_ONLINE;
    printk("cpu %u (APIC id %u) did not start", p->index, p->apic_id);
    p->state = CPU_ABSENT;
    return false;
}

uint32_t smp_start_aps(void (*ap_main)(uint32_t index))
{
    uint32_t started = 0;
    ap_main_fn = ap_main;
    for (uint32_t i = 0; i < percpu_count; i++) {
        struct percpu *p = &percpu_table[i];
        if (p == this_cpu() || p->state != CPU_STARTING)
            continue;
        if (start_one(p))
            started++;
    }
    return started;
}
