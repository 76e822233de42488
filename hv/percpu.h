/* Per-CPU state of the hypervisor. Each CPU's GS base points at its own
 * struct percpu, whose first field points at itself, so this_cpu() is one
 * load. CPU index 0 is the boot CPU; indices follow the ACPI MADT order. */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include "hv/types.h"

#define HV_MAX_CPUS 64

enum cpu_state {
    CPU_ABSENT = 0,
    CPU_STARTING,
    CPU_ONLINE,
    CPU_STOPPED, /* halted for good after a fault or a panic */
};

struct percpu {
    struct percpu *self;
    uint32_t index;
    uint32_t apic_id;
    volatile uint32_t state; /* enum cpu_state */
    /* Speculation mitigations due before the next VM entry
     * (arch/x86/speculation.h ENTRY_WORK_*); vmx/entry.S tests the whole
     * word at %gs:PERCPU_ENTRY_WORK, one compare when there is none. */
    volatile uint32_t entry_work;
    uint64_t stack_top;
};
#define PERCPU_ENTRY_WORK 20
_Static_assert(__builtin_offsetof(struct percpu, entry_work) == PERCPU_ENTRY_WORK,
               "vmx/entry.S reads entry_work at this offset");

extern struct percpu percpu_table[HV_MAX_CPUS];
extern uint32_t percpu_count; /* CPUs described by the firmware */

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__ __volatile__("movq %%gs:0, %0" : "=r"(p));
    return p;
}

/* Points this CPU's GS base at percpu_table[index]. */
void percpu_bind(uint32_t index);

/* Number of CPUs in state CPU_ONLINE. */
uint32_t percpu_online_count(void);

#endif
