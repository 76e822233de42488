/* The local APIC mode a guest sees (Intel SDM Vol. 3A 11.12.5), kept per
 * vCPU while the physical LAPIC stays in x2APIC mode: the IA32_APIC_BASE
 * value it reads, which writes to it are legal transitions and which
 * raise #GP. Pure and host-tested (tests/unit/test_apic_mode.c); the
 * vCPU side is vmx/apic_mode_vcpu.c. */
#ifndef VMX_APIC_MODE_H
#define VMX_APIC_MODE_H

#include "hv/types.h"

enum apic_mode {
    APIC_MODE_DISABLED, /* EN=0 EXTD=0: globally disabled */
    APIC_MODE_XAPIC,    /* EN=1 EXTD=0: registers in MMIO at the base */
    APIC_MODE_X2APIC,   /* EN=1 EXTD=1: registers are MSRs 0x800-0x8FF */
};

#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_DEFAULT 0xFEE00000ull /* the only base offered (below) */

/* The IA32_APIC_BASE value a vCPU in `mode` reads: the default base, EN
 * and EXTD as the mode says, BSP for the partition's boot CPU. */
uint64_t apic_base_value(enum apic_mode mode, bool bsp);

/* The mode a WRMSR of value to IA32_APIC_BASE leaves a vCPU in `from`,
 * or false with *why (a log phrase "refused write (...) to
 * IA32_APIC_BASE") when it raises #GP instead: reserved bits (0-7, 9,
 * and above MAXPHYADDR, phys_bits), EXTD without EN, x2APIC -> xAPIC,
 * disabled -> x2APIC (SDM 11.12.5, Figure 11-27), or enabling it at a
 * base other than 0xFEE00000 (this hypervisor does not relocate the APIC
 * page: a refusal the guest sees, rather than a move it would not get).
 * A write that disables the APIC may carry any base; the base reads back
 * as 0xFEE00000 all the same. The BSP bit is read-only: what is written
 * there is ignored. */
bool apic_base_transition(enum apic_mode from, uint64_t value, unsigned phys_bits, enum apic_mode *to,
                          const char **why);

/* Whether RDMSR/WRMSR of msr raises #GP in `mode` because it is an x2APIC
 * register (0x800-0x8FF) and the APIC is not in x2APIC mode (SDM
 * 11.12.1.2). Other MSRs: false (their own rules apply). */
bool apic_mode_msr_faults(enum apic_mode mode, uint32_t msr);

#define X2APIC_MSR_FIRST 0x800u
#define X2APIC_MSR_LAST 0x8FFu

#endif
