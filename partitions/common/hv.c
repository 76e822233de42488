/* Hypercalls; see hv.h. */
#include "partitions/common/hv.h"
#include "partitions/common/cpu.h"
#include "partitions/common/idt.h"

static int present;

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

int32_t hc_partition_info(struct hv_partition_info *info)
{
    return hc(HC_PARTITION_INFO, (uint32_t)info, sizeof *info, 0, 0);
}
