/* Hypercalls; see hv.h. */
#include "partitions/rtos/arch/x86/hv.h"
#include "partitions/rtos/arch/x86/cpu.h"
#include "partitions/rtos/arch/x86/idt.h"

static int present;
static struct hv_exit_stats exit_stats; /* 648 bytes: not on a task stack */

int hv_detect(void)
{
    int32_t r = -1;
    present = (cpuid(1, 0).ecx & CPUID1_ECX_HYPERVISOR) && !vmcall_probe(HC_NULL, &r) && r == 0;
    return present;
}

int hv_present(void) { return present; }

int32_t hc(uint32_t op, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4)
{
    if (!present)
        return HV_ENOSYS;
    int32_t r;
    /* "memory": the hypervisor may write our buffers. */
    __asm__ __volatile__("vmcall" : "=a"(r) : "a"(op), "b"(a1), "c"(a2), "d"(a3), "S"(a4) : "memory");
    return r;
}

int hv_exit_total(uint64_t *total)
{
    int32_t r = hc(HC_EXIT_STATS, (uint32_t)&exit_stats, sizeof exit_stats, 0, 0);
    if (r < 0)
        return r;
    *total = exit_stats.total;
    return 0;
}
