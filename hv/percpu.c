/* Per-CPU table and GS-base binding. */
#include "hv/percpu.h"

#include "arch/x86/cpu.h"

#define MSR_GS_BASE 0xC0000101

struct percpu percpu_table[HV_MAX_CPUS];
uint32_t percpu_count;

void percpu_bind(uint32_t index)
{
    struct percpu *p = &percpu_table[index];
    p->self = p;
    p->index = index;
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)p);
}

uint32_t percpu_online_count(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < percpu_count; i++)
        if (percpu_table[i].state == CPU_ONLINE)
            n++;
    return n;
}
