/* xAPIC register page emulation; see xapic_emul.h. The register map and
 * the IPI translation are vmx/xapic_regs.c's (pure); here they are applied
 * to this CPU's LAPIC through its x2APIC MSRs, from root mode. */
#include "vmx/xapic_emul.h"

#include "arch/x86/cpu.h"
#include "arch/x86/extable.h"
#include "hv/partition.h"
#include "vmx/apic_ipi.h"
#include "vmx/apic_mode.h"
#include "vmx/lvt_check.h"
#include "vmx/xapic_regs.h"

#define MSR_X2APIC_VERSION 0x803
#define MSR_X2APIC_TPR 0x808
#define MSR_X2APIC_EOI 0x80B
#define MSR_X2APIC_SVR 0x80F
#define MSR_X2APIC_ISR0 0x810
#define MSR_X2APIC_IRR0 0x820
#define MSR_X2APIC_ESR 0x828
#define MSR_LVT_FIRST 0x82F
#define LVT_SLOTS 9 /* 0x82F-0x837 */
#define LVT_MASKED (1ull << 16)
#define VERSION_EOI_SUPPRESSION (1u << 24)
#define SVR_EOI_SUPPRESSION (1u << 12)
#define DM_LOWEST 1

bool xapic_emul_claims(const struct partition *p, uint64_t gpa, uint64_t *offset)
{
    (void)p;
    if (gpa < APIC_BASE_DEFAULT || gpa - APIC_BASE_DEFAULT >= XAPIC_PAGE_SIZE)
        return false;
    *offset = gpa - APIC_BASE_DEFAULT;
    return true;
}

/* The highest vector set in the 256-bit ISR or IRR at MSR first, 0 if none. */
static uint32_t highest_vector(uint32_t first)
{
    for (uint32_t i = 8; i-- > 0;) {
        uint32_t bits = (uint32_t)rdmsr(first + i);
        if (bits)
            return 32 * i + 31 - (uint32_t)__builtin_clz(bits);
    }
    return 0;
}

/* The bits LVT register msr has: an xAPIC write ignores the others where
 * WRMSR would #GP, so they are dropped before lvt_check() judges the
 * rest. Learnt from lvt_check() itself, bit by bit on a masked entry. */
static uint32_t lvt_defined_bits(uint32_t msr)
{
    static uint32_t known[LVT_SLOTS];
    uint32_t *bits = &known[(msr - MSR_LVT_FIRST) % LVT_SLOTS];
    if (*bits)
        return *bits;
    const char *why;
    for (uint32_t b = 0; b < 32; b++)
        if (lvt_check(msr, (1ull << b) | LVT_MASKED, &why) != LVT_GP)
            *bits |= 1u << b;
    return *bits;
}

static void write_lvt(uint32_t msr, uint32_t value)
{
    const char *why;
    value &= lvt_defined_bits(msr);
    if (lvt_check(msr, value, &why) == LVT_REFUSE)
        partition_stop_current(-1, "LVT %s (xAPIC offset 0x%x) write 0x%x refused: %s would reach beyond its CPU",
                               lvt_name(msr), (msr - 0x800) << 4, value, why);
    wrmsr_safe(msr, value); /* one the CPU refuses is lost, as an xAPIC MMIO write has no #GP */
}

/* ICR_LOW written: the IPI goes through the same checks as a WRMSR to
 * the x2APIC ICR (vmx/apic_ipi.c), physical destinations as they are,
 * logical ones resolved against the xAPIC LDR/DFR of the partition's own
 * CPUs (the only CPUs of the machine it sees). A refused IPI stops the
 * partition there; one that would have been a #GP through the MSR is
 * dropped (logged there), as an xAPIC has no #GP to give. */
static void send_ipi(struct vcpu *v, uint32_t low, uint32_t high)
{
    uint32_t x2low = xapic_icr_low_for_x2apic(low);
    if (!(low & XAPIC_ICR_LOGICAL) || XAPIC_ICR_SHORTHAND(low)) {
        apic_ipi_from_guest(v, (uint64_t)xapic_physical_dest(high) << 32 | x2low);
        return;
    }
    struct partition *p = v->partition;
    uint32_t ldr[HV_MAX_PARTITION_CPUS], dfr[HV_MAX_PARTITION_CPUS];
    for (uint32_t k = 0; k < p->cpu_count; k++) {
        const struct vcpu *t = __atomic_load_n(&p->vcpus[k], __ATOMIC_ACQUIRE);
        bool xapic = t && t->apic_mode == APIC_MODE_XAPIC;
        ldr[k] = xapic ? t->xapic_ldr : 0;
        dfr[k] = xapic ? t->xapic_dfr : XAPIC_DFR_FLAT;
    }
    uint32_t targets = xapic_logical_targets(high, ldr, dfr, p->cpu_count);
    if (XAPIC_ICR_DELIVERY(low) == DM_LOWEST)
        targets &= -targets; /* one CPU, as vmx/apic_ipi_check.c chooses */
    for (uint32_t k = 0; k < p->cpu_count; k++)
        if (targets & (1u << k))
            apic_ipi_from_guest(v, (uint64_t)p->apic_ids[k] << 32 | x2low);
}

static uint32_t read_reg(const struct vcpu *v, struct xapic_reg r)
{
    uint64_t val = 0;
    switch (r.kind) {
    case XAPIC_READ_ONLY:
    case XAPIC_READ_WRITE:
    case XAPIC_LVT:
    case XAPIC_ESR:
        rdmsr_safe(r.msr, &val); /* CMCI may be absent: 0 */
        return (uint32_t)val;
    case XAPIC_ID:
        return v->apic_id << 24;
    case XAPIC_APR:
        return xapic_apr((uint32_t)rdmsr(MSR_X2APIC_TPR), highest_vector(MSR_X2APIC_ISR0),
                         highest_vector(MSR_X2APIC_IRR0));
    case XAPIC_LDR:
        return v->xapic_ldr;
    case XAPIC_DFR:
        return v->xapic_dfr;
    case XAPIC_SVR:
        return (uint32_t)rdmsr(MSR_X2APIC_SVR) | (v->xapic_focus_disabled ? XAPIC_SVR_FOCUS_DISABLED : 0);
    case XAPIC_ICR_LOW:
        return v->xapic_icr_low; /* delivery status 0: sent at once */
    case XAPIC_ICR_HIGH:
        return v->xapic_icr_high;
    default:
        return 0; /* EOI (write-only), no register */
    }
}

static void write_svr(struct vcpu *v, uint32_t value)
{
    uint32_t writable = XAPIC_SVR_WRITABLE;
    if (!(rdmsr(MSR_X2APIC_VERSION) & VERSION_EOI_SUPPRESSION))
        writable &= ~SVR_EOI_SUPPRESSION;
    v->xapic_focus_disabled = value & XAPIC_SVR_FOCUS_DISABLED;
    wrmsr(MSR_X2APIC_SVR, value & writable);
}

static void write_reg(struct vcpu *v, struct xapic_reg r, uint32_t value)
{
    switch (r.kind) {
    case XAPIC_READ_WRITE:
        wrmsr(r.msr, value & r.write_mask);
        return;
    case XAPIC_LVT:
        return write_lvt(r.msr, value);
    case XAPIC_EOI:
        wrmsr(MSR_X2APIC_EOI, 0);
        return;
    case XAPIC_LDR:
        v->xapic_ldr = value & XAPIC_LDR_MASK;
        return;
    case XAPIC_DFR:
        v->xapic_dfr = value | ~XAPIC_DFR_MODEL_MASK;
        return;
    case XAPIC_SVR:
        return write_svr(v, value);
    case XAPIC_ESR:
        wrmsr(MSR_X2APIC_ESR, 0); /* latch the errors (x2APIC: only 0 may be written) */
        return;
    case XAPIC_ICR_HIGH:
        v->xapic_icr_high = value & 0xFF000000u;
        return;
    case XAPIC_ICR_LOW:
        v->xapic_icr_low = value & XAPIC_ICR_WRITABLE;
        return send_ipi(v, value, v->xapic_icr_high);
    default:
        return; /* read-only register or none: ignored */
    }
}

void xapic_emulate(struct vcpu *v, uint64_t offset, const struct mmio_insn *m)
{
    uint32_t byte = (uint32_t)offset & 0xF;
    if (v->apic_mode != APIC_MODE_XAPIC) {
        if (!m->write)
            vcpu_mmio_store_read(v, m, ~0ull);
        return;
    }
    struct xapic_reg r = xapic_reg_at((uint32_t)offset);
    if (m->write) {
        if (byte == 0 && m->size >= 4)
            write_reg(v, r, (uint32_t)vcpu_mmio_write_value(v, m));
        return;
    }
    vcpu_mmio_store_read(v, m, byte < 4 ? read_reg(v, r) >> (8 * byte) : 0);
}
