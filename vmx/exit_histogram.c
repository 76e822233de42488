/* Debug build only (make CC="gcc -DEXIT_HISTOGRAM"): where a guest's VM
 * exits come from. Each exit of the first HIST_CPUS CPUs is counted per
 * CPU by its reason and detail (CPUID leaf and subleaf, MSR and, for the
 * x2APIC ICR, the vector; I/O port, direction and size; EPT
 * guest-physical address; hypercall number; else the qualification), by
 * its reason and guest RIP, and, for exits from a kernel (RIP in the top
 * 2 GiB, HLT left out), by the return addresses found on the guest's
 * stack: who called the function that exited. The tables are printed
 * once, at the first HC_EXIT_STATS call (the Linux bench's "VM exits so
 * far" at /init), so they cover what that figure counts;
 * tools/exit_histogram.py sums and symbolizes them. Not built by
 * default: the stack scan walks the guest's page tables at every exit,
 * which slows a Linux boot by about 1 %. Each CPU writes only its own
 * tables; the dump reads the others' as they are (debug output). */
#ifdef EXIT_HISTOGRAM
#include "vmx/exit_histogram.h"

#include "arch/x86/guest_paging.h"
#include "hv/console.h"
#include "hv/string.h"
#include "hv/percpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

#define SLOTS 4096    /* per CPU and table, a power of two */
#define HIST_CPUS 4   /* physical CPU indices counted */
#define CALLERS 6     /* return addresses kept per exit */
#define STACK_WORDS 48 /* stack words scanned for them */
#define KEY_VALUE_MASK ((uint64_t)0xFFFFFFFFFFFF)

struct slot {
    uint64_t key; /* 0: free */
    uint32_t count;
};

static struct slot by_detail[HIST_CPUS][SLOTS];
static struct slot by_rip[HIST_CPUS][SLOTS];
static struct slot by_caller[HIST_CPUS][SLOTS];
static bool dumped;

static void count(struct slot *table, uint64_t key)
{
    uint32_t h = (uint32_t)((key * (uint64_t)0x9E3779B97F4A7C15) >> 40) & (SLOTS - 1);
    for (uint32_t i = 0; i < SLOTS; i++, h = (h + 1) & (SLOTS - 1)) {
        if (table[h].key == key || table[h].key == 0) {
            table[h].key = key;
            table[h].count++;
            return;
        }
    }
}

static uint64_t detail_of(struct vcpu *v, uint32_t basic, uint64_t q)
{
    switch (basic) {
    case EXIT_CPUID:
        return (v->regs.gpr[GPR_RAX] & 0xFFFFFFFFu) << 8 | (v->regs.gpr[GPR_RCX] & 0xFF);
    case EXIT_RDMSR:
        return v->regs.gpr[GPR_RCX] & 0xFFFFFFFFu;
    case EXIT_WRMSR: /* the x2APIC ICR with its vector */
        return (v->regs.gpr[GPR_RCX] & 0xFFFFFFFFu) |
               ((v->regs.gpr[GPR_RCX] & 0xFFFFFFFFu) == 0x830 ? (v->regs.gpr[GPR_RAX] & 0xFF) << 32 : 0);
    case EXIT_IO:
        return (q >> 16 & 0xFFFF) << 4 | (q >> 3 & 1) << 3 | (q & 7);
    case EXIT_EPT_VIOLATION:
        return vmread(VMCS_GUEST_PHYS_ADDR) & ~(uint64_t)0xF;
    case EXIT_VMCALL:
        return v->regs.gpr[GPR_RAX];
    default:
        return q;
    }
}

static bool read_ram(void *ctx, uint64_t gpa, void *buf, size_t len)
{
    const void *src = guest_ram_ptr(&((const struct partition *)ctx)->ram, gpa, len);
    if (src)
        memcpy(buf, src, len);
    return src != NULL;
}

/* Words on the guest's stack that look like return addresses into a
 * kernel (0xFFFFFFFF8xxxxxxx: Linux's image and modules), the first
 * CALLERS of them: a scan, not an unwinder, so data pointers come too
 * (the script drops those that name no function). */
static unsigned kernel_callers(const struct vcpu *v, uint64_t *out)
{
    struct guest_paging_state s = {vmread(VMCS_GUEST_CR0), vmread(VMCS_GUEST_CR3), vmread(VMCS_GUEST_CR4),
                                   vmread(VMCS_GUEST_EFER)};
    uint64_t rsp = vmread(VMCS_GUEST_RSP), gpa, word;
    unsigned n = 0;
    for (unsigned i = 0; i < STACK_WORDS && n < CALLERS; i++) {
        if (guest_translate(&s, rsp + 8 * i, 0, read_ram, v->partition, &gpa) != 0 ||
            !read_ram(v->partition, gpa, &word, 8))
            break;
        if ((word >> 31) == 0x1FFFFFFFFull)
            out[n++] = word;
    }
    return n;
}

void exit_histogram_count(struct vcpu *v, uint32_t basic, uint64_t q)
{
    if (v->cpu >= HIST_CPUS)
        return;
    uint64_t tag = (uint64_t)(basic + 1) << 56, rip = vmread(VMCS_GUEST_RIP), callers[CALLERS];
    count(by_detail[v->cpu], tag | (detail_of(v, basic, q) & KEY_VALUE_MASK));
    count(by_rip[v->cpu], tag | (rip & KEY_VALUE_MASK));
    unsigned n = (rip >> 31) == 0x1FFFFFFFFull && basic != EXIT_HLT ? kernel_callers(v, callers) : 0;
    for (unsigned depth = 0; depth < n; depth++)
        count(by_caller[v->cpu], tag | (uint64_t)depth << 48 | (callers[depth] & KEY_VALUE_MASK));
}

/* "hist cpu N TABLE REASON 0xVALUE COUNT"; caller rows name their
 * depth (caller1: the nearest). Values are the low 48 bits. */
static void print_table(const char *table_name, uint32_t cpu, const struct slot *table)
{
    for (uint32_t i = 0; i < SLOTS; i++) {
        if (!table[i].key)
            continue;
        uint32_t reason = (uint32_t)(table[i].key >> 56) - 1, depth = (uint32_t)(table[i].key >> 48) & 0xFF;
        uint64_t value = table[i].key & KEY_VALUE_MASK;
        if (table == by_caller[cpu])
            printk("hist cpu %u %s%u %s 0x%lx %u", cpu, table_name, depth + 1, vmx_exit_reason_name(reason),
                   value, table[i].count);
        else
            printk("hist cpu %u %s %s 0x%lx %u", cpu, table_name, vmx_exit_reason_name(reason), value,
                   table[i].count);
    }
}

void exit_histogram_dump(void)
{
    if (__atomic_exchange_n(&dumped, true, __ATOMIC_RELAXED))
        return;
    for (uint32_t cpu = 0; cpu < HIST_CPUS; cpu++) {
        print_table("detail", cpu, by_detail[cpu]);
        print_table("rip", cpu, by_rip[cpu]);
        print_table("caller", cpu, by_caller[cpu]);
    }
}
#endif
