/* Per-CPU GDT and TSS, and the IDT shared by all CPUs.
 * Long-mode descriptors: Intel SDM Vol. 3A 3.4.5, 7.2.3 (TSS descriptor),
 * 6.14.1 (64-bit IDT gates), 6.14.5 (interrupt stack table). */
#include "arch/x86/exceptions.h"

#include "arch/x86/asm.h"
#include "hv/percpu.h"

#define GDT_ENTRIES 5 /* null, code, data, TSS (two slots) */
#define SEL_TSS 0x18
#define IST_STACK_SIZE 8192
#define IST_NMI 1
#define IST_DF 2
#define IST_MC 3
#define IDT_VECTORS 32
#define GATE_INTERRUPT 0x8E /* present, DPL 0, 64-bit interrupt gate */

struct PACKED tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct PACKED idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};

struct PACKED descriptor_ptr {
    uint16_t limit;
    uint64_t base;
};

struct cpu_tables {
    uint64_t gdt[GDT_ENTRIES];
    struct tss64 tss;
    uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
};

static struct cpu_tables cpu_tables[HV_MAX_CPUS] __attribute__((aligned(4096)));
static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
static bool idt_built;
extern const uint64_t isr_table[IDT_VECTORS];

static void build_idt(void)
{
    for (int v = 0; v < IDT_VECTORS; v++) {
        uint64_t addr = isr_table[v];
        struct idt_gate *g = &idt[v];
        g->offset_low = (uint16_t)addr;
        g->selector = BOOT_CS64;
        g->ist = v == VEC_NMI ? IST_NMI : v == VEC_DF ? IST_DF : v == VEC_MC ? IST_MC : 0;
        g->type_attr = GATE_INTERRUPT;
        g->offset_mid = (uint16_t)(addr >> 16);
        g->offset_high = (uint32_t)(addr >> 32);
        g->reserved = 0;
    }
    idt_built = true;
}

static void build_gdt(struct cpu_tables *t)
{
    uint64_t base = (uint64_t)(uintptr_t)&t->tss;
    uint64_t limit = sizeof t->tss - 1;
    t->gdt[0] = 0;
    t->gdt[1] = 0x00AF9B000000FFFFull; /* 64-bit code, accessed */
    t->gdt[2] = 0x00CF93000000FFFFull; /* data, accessed */
    t->gdt[3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) /* available 64-bit TSS */
                | (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    t->gdt[4] = base >> 32;
    for (int i = 0; i < 3; i++)
        t->tss.ist[i] = (uint64_t)(uintptr_t)&t->ist_stacks[i][IST_STACK_SIZE];
    t->tss.iomap_base = sizeof t->tss; /* no I/O permission bitmap */
}

void cpu_tables_init(uint32_t cpu_index)
{
    struct cpu_tables *t = &cpu_tables[cpu_index];
    if (!idt_built)
        build_idt();
    build_gdt(t);

    struct descriptor_ptr gdtr = {sizeof t->gdt - 1, (uint64_t)(uintptr_t)t->gdt};
    struct descriptor_ptr idtr = {sizeof idt - 1, (uint64_t)(uintptr_t)idt};
    __asm__ __volatile__("lgdt %0\n\t"
                         "pushq %1\n\t"
                         "leaq 1f(%%rip), %%rax\n\t"
                         "pushq %%rax\n\t"
                         "lretq\n"
                         "1:\n\t"
                         "movw %2, %%ax\n\t"
                         "movw %%ax, %%ds\n\t"
                         "movw %%ax, %%es\n\t"
                         "movw %%ax, %%ss\n\t"
                         "ltr %w3\n\t"
                         "lidt %4"
                         :
                         : "m"(gdtr), "i"((uint64_t)BOOT_CS64), "i"(BOOT_DS), "r"(SEL_TSS), "m"(idtr)
                         : "rax", "memory");
}

uint64_t cpu_tss_base(uint32_t cpu_index) { return (uint64_t)(uintptr_t)&cpu_tables[cpu_index].tss; }
