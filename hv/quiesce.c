/* Quiescing a stopped partition's devices; see quiesce.h. */
#include "hv/quiesce.h"

#include <stdarg.h>

#include "arch/x86/cpu.h"
#include "arch/x86/hpet.h"
#include "arch/x86/ioapic.h"
#include "drivers/pci_conf1.h"
#include "hv/console.h"
#include "hv/fmt.h"
#include "vmx/pmu.h"

#define MSR_TSC_DEADLINE 0x6E0        /* SDM Vol. 3A 11.5.4.1 */
#define MSR_X2APIC_LVT_TIMER 0x832
#define MSR_X2APIC_TIMER_INITIAL 0x838
#define LVT_MASKED (1u << 16)
#define RTE_MASKED (1u << 16)          /* 82093AA redirection entry bit 16 */
#define HPET_TN_INT_ENB (1u << 2)
#define HPET_TIMER_MAX 32
#define PCI_COMMAND 0x04
#define PCI_COMMAND_INTX_DISABLE (1u << 10) /* PCI Local Bus Spec 3.0, 6.2.2 */
#define PCI_COMMAND_ACTIVE 0x7u             /* I/O, memory decode, bus master */

/* The log line, appended to piecewise; output past its end is cut. */
struct line {
    char text[256];
    size_t n;
};

static void add(struct line *l, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void add(struct line *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = fmt_vsnprintf(l->text + l->n, sizeof l->text - l->n, fmt, ap);
    va_end(ap);
    l->n = MIN(l->n + (size_t)(k > 0 ? k : 0), sizeof l->text - 1);
}

/* Each comparator it owns: off (IA-PC HPET 1.0a 2.3.8). */
static void quiesce_hpet(uint32_t timers, struct line *l)
{
    add(l, "HPET comparators");
    if (!timers || !hpet_present()) {
        add(l, " none");
        return;
    }
    for (uint32_t t = 0; t < HPET_TIMER_MAX; t++)
        if (timers & (1u << t))
            add(l, " %u%s", t, hpet_timer_disable(t) & HPET_TN_INT_ENB ? " (still on)" : "");
}

/* Each pin it owns: masked, vector 0, edge (82093AA 3.2.4). The entry is
 * written whole, so no read-modify-write races a partition that is still
 * being stopped on another CPU. */
static void quiesce_pins(const struct cfg_partition *c, struct line *l)
{
    add(l, "IOAPIC pins");
    if (!c->pin_count || !ioapic_base()) {
        add(l, " none");
        return;
    }
    for (uint32_t k = 0; k < c->pin_count; k++) {
        ioapic_write(IOAPIC_REG_REDTBL + 2 * c->ioapic_pins[k], RTE_MASKED);
        add(l, " %u", c->ioapic_pins[k]);
    }
}

/* Each PCI function it owns: I/O and memory decode, Bus Master Enable
 * off, INTx disabled (PCI Local Bus Spec 3.0, 6.2.2): a stopped
 * partition's device neither answers, masters the bus nor asserts its
 * line. Its BARs keep their addresses for a restart. */
static void quiesce_pci(const struct cfg_partition *c, struct line *l)
{
    add(l, "PCI functions");
    if (!c->pci_count)
        add(l, " none");
    for (uint32_t k = 0; k < c->pci_count && k < CFG_MAX_PCI; k++) {
        uint16_t bdf = c->pci[k].host;
        pci_conf1_write(bdf, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
        bool on = pci_conf1_read(bdf, PCI_COMMAND, 2) & PCI_COMMAND_ACTIVE;
        add(l, " %02x:%02x.%u%s", bdf >> 8, (bdf >> 3) & 31, bdf & 7, on ? " (still on)" : "");
    }
}

void quiesce_partition_devices(const struct partition *p)
{
    struct line l = {.n = 0};
    add(&l, "%s: devices quiesced (", p->label);
    quiesce_hpet(p->cfg->hpet_timers, &l);
    add(&l, ", ");
    quiesce_pins(p->cfg, &l);
    add(&l, ", ");
    quiesce_pci(p->cfg, &l);
    add(&l, ", LAPIC timers of its %u CPU(s))", p->cpu_count);
    printk("%s", l.text);
}

/* TSC-deadline off, then the timer masked with no count (SDM Vol. 3A
 * 11.5.4): whichever mode the partition left it in, it fires no more. */
void quiesce_this_cpu_timer(void)
{
    wrmsr(MSR_TSC_DEADLINE, 0);
    wrmsr(MSR_X2APIC_LVT_TIMER, LVT_MASKED);
    wrmsr(MSR_X2APIC_TIMER_INITIAL, 0);
    pmu_clear_this_cpu(); /* its performance counters too: no PMI after the stop */
}
