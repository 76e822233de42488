/* The xAPIC register page (Intel SDM Vol. 3A 11.4.1, Table 11-1) in
 * terms of the x2APIC MSRs of the physical LAPIC: register at offset
 * 0xNN0 <-> MSR 0x800 + 0xNN (SDM 11.12.1.2), with the registers whose
 * xAPIC form differs (ID, LDR, DFR, ICR, APR, SVR focus, ESR) singled out
 * for vmx/xapic_emul.c. Pure and host-tested. */
#ifndef VMX_XAPIC_REGS_H
#define VMX_XAPIC_REGS_H

#include "hv/types.h"

#define XAPIC_PAGE_SIZE 0x1000u

enum xapic_reg_kind {
    XAPIC_RESERVED, /* no register (incl. SELF_IPI, x2APIC only): reads 0, writes ignored */
    XAPIC_READ_ONLY, /* the MSR of the same register, read; writes ignored (version, PPR, ISR, TMR, IRR, current count) */
    XAPIC_READ_WRITE, /* the MSR, read, and written with write_mask applied (TPR, initial count, divide) */
    XAPIC_LVT,      /* the MSR; writes checked by vmx/lvt_check.c */
    XAPIC_ID,       /* its APIC id << 24; writes ignored */
    XAPIC_APR,      /* computed from TPR, ISR and IRR (no x2APIC MSR) */
    XAPIC_EOI,      /* write: EOI; reads 0 */
    XAPIC_LDR,      /* virtual: bits 31:24 */
    XAPIC_DFR,      /* virtual: model in 31:28, 27:0 read as ones */
    XAPIC_SVR,      /* the MSR, with the focus-disable bit (9) kept virtual */
    XAPIC_ESR,      /* a write latches the errors (x2APIC: WRMSR of 0) */
    XAPIC_ICR_LOW,  /* a write sends the IPI; delivery status reads 0 */
    XAPIC_ICR_HIGH, /* destination in 31:24 */
};

struct xapic_reg {
    enum xapic_reg_kind kind;
    uint32_t msr;        /* the x2APIC MSR of the same register (0x800 + offset / 16) */
    uint32_t write_mask; /* XAPIC_READ_WRITE: bits a write keeps */
};

/* The register whose 16-byte slot holds `offset` (0..0xFFF). */
struct xapic_reg xapic_reg_at(uint32_t offset);

#define XAPIC_DFR_FLAT 0xFFFFFFFFu /* reset value (SDM 11.4.7.1) */
#define XAPIC_LDR_MASK 0xFF000000u
#define XAPIC_DFR_MODEL_MASK 0xF0000000u
#define XAPIC_SVR_FOCUS_DISABLED (1u << 9)
#define XAPIC_SVR_WRITABLE (0xFFu | (1u << 8) | (1u << 12)) /* vector, enable, EOI-broadcast suppression */

/* The low ICR half as the x2APIC ICR takes it: vector, delivery mode,
 * level, trigger mode and shorthand kept; delivery status, reserved bits
 * and the destination mode (xAPIC logical destinations are resolved
 * here, xapic_logical_targets) cleared. */
uint32_t xapic_icr_low_for_x2apic(uint32_t low);
#define XAPIC_ICR_LOGICAL (1u << 11)
#define XAPIC_ICR_WRITABLE 0x000CCFFFu /* bits 0-11, 14, 15, 18, 19 */
#define XAPIC_ICR_SHORTHAND(low) (((low) >> 18) & 3)
#define XAPIC_ICR_DELIVERY(low) (((low) >> 8) & 7)

/* The x2APIC physical destination of an xAPIC physical destination
 * (ICR_HIGH bits 31:24): the same id, and 0xFF (broadcast) as the x2APIC
 * broadcast 0xFFFFFFFF (SDM 11.12.9). */
uint32_t xapic_physical_dest(uint32_t icr_high);

/* Which of n CPUs (bit k) an xAPIC logical destination (ICR_HIGH bits
 * 31:24) selects, given each CPU's LDR and DFR (SDM 11.6.2.2): flat model
 * (DFR 31:28 = 1111b): LDR bits 31:24 AND destination non-zero; cluster
 * model (0000b): the cluster (upper nibble) equal and the lower nibbles
 * sharing a bit. 0xFF is a broadcast in both models. */
uint32_t xapic_logical_targets(uint32_t icr_high, const uint32_t *ldr, const uint32_t *dfr, uint32_t n);

/* The arbitration priority (SDM 11.6.2.4): the highest of TPR[7:4], the
 * highest in-service and the highest requested vector's class; TPR[3:0]
 * kept when TPR's class is that highest. isrv, irrv: 0 when none. */
uint32_t xapic_apr(uint32_t tpr, uint32_t isrv, uint32_t irrv);

#endif
