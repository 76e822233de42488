/* Thin wrappers around x86 instructions the hypervisor uses. */
#ifndef ARCH_X86_CPU_H
#define ARCH_X86_CPU_H

#include "hv/types.h"

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ __volatile__("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ __volatile__("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t v) { __asm__ __volatile__("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ __volatile__("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ __volatile__("outl %0, %1" ::"a"(v), "Nd"(port)); }

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

#define DEFINE_CR_ACCESSORS(n)                                                               \
    static inline uint64_t read_cr##n(void)                                                  \
    {                                                                                        \
        uint64_t v;                                                                          \
        __asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));                                \
        return v;                                                                            \
    }                                                                                        \
    static inline void write_cr##n(uint64_t v) { __asm__ __volatile__("mov %0, %%cr" #n ::"r"(v) : "memory"); }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)

static inline void cpu_relax(void) { __asm__ __volatile__("pause" ::: "memory"); }
static inline void cpu_halt(void) { __asm__ __volatile__("hlt" ::: "memory"); }
static inline void irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }

static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ __volatile__("pushfq; popq %0" : "=r"(v));
    return v;
}

static inline void invlpg(uint64_t va) { __asm__ __volatile__("invlpg (%0)" ::"r"(va) : "memory"); }

static inline uint32_t mmio_read32(uint64_t pa) { return *(volatile uint32_t *)(uintptr_t)pa; }
static inline uint64_t mmio_read64(uint64_t pa) { return *(volatile uint64_t *)(uintptr_t)pa; }
static inline void mmio_write32(uint64_t pa, uint32_t v) { *(volatile uint32_t *)(uintptr_t)pa = v; }
static inline void mmio_write64(uint64_t pa, uint64_t v) { *(volatile uint64_t *)(uintptr_t)pa = v; }

/* CPUID feature bits used here (SDM Vol. 2A, CPUID). */
#define CPUID1_ECX_VMX (1u << 5)
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID_EXT_EDX_NX (1u << 20)
#define CPUID_EXT_EDX_LM (1u << 29)
#define CPUID_EXT_EDX_1G (1u << 26)

/* Halts this CPU for good with interrupts off (NMIs still arrive and are
 * handled by the NMI handler, which returns here). */
static inline NORETURN void cpu_stop_forever(void)
{
    for (;;) {
        irq_disable();
        cpu_halt();
    }
}

#endif
