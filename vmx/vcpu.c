/* vCPU entry and the guest-state accessors the core may use. */
#include "vmx/vcpu.h"

#include "hv/console.h"
#include "hv/percpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_asm.h"

static struct vcpu *current_vcpu[HV_MAX_CPUS];

void vmx_launch(struct vcpu *v, uint64_t host_rsp);

struct vcpu *vcpu_current(void) { return current_vcpu[this_cpu()->index]; }

void vcpu_run(struct vcpu *v)
{
    current_vcpu[v->cpu] = v;
    vmx_launch(v, vmread(VMCS_HOST_RSP));
    /* VMLAUNCH failed: VMfailValid leaves the reason (SDM Vol. 3C 31.4). */
    printk("cpu %u: VMLAUNCH failed, VM-instruction error %lu", v->cpu, vmread(VMCS_INSTR_ERROR));
}

void vcpu_start_at_sipi(struct vcpu *v, uint8_t vector)
{
    vmcs_enter_sipi(vector);
    v->smi_unblock_each_exit = true;
}

void vcpu_msr_intercept(struct vcpu *v, uint32_t msr, enum msr_pass pass) { msr_bitmap_set(v->msr_bitmap, msr, pass); }

uint64_t vcpu_get_gpr(const struct vcpu *v, enum gpr r)
{
    return r == GPR_RSP ? vmread(VMCS_GUEST_RSP) : v->regs.gpr[r];
}

void vcpu_set_gpr(struct vcpu *v, enum gpr r, uint64_t value)
{
    if (r == GPR_RSP)
        vmwrite(VMCS_GUEST_RSP, value);
    else
        v->regs.gpr[r] = value;
}

uint64_t vcpu_get_rip(void) { return vmread(VMCS_GUEST_RIP); }

uint64_t vcpu_mmio_write_value(const struct vcpu *v, const struct mmio_insn *m)
{
    if (m->has_imm)
        return m->imm;
    uint64_t r = vcpu_get_gpr(v, (enum gpr)m->reg);
    return m->high_byte ? (r >> 8) & 0xFF : r;
}

static uint64_t size_mask(uint8_t bytes) { return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1; }

void vcpu_mmio_store_read(struct vcpu *v, const struct mmio_insn *m, uint64_t value)
{
    uint64_t val = value & size_mask(m->size);
    uint8_t width = m->zero_extend ? m->dest_size : m->size;
    uint64_t old = vcpu_get_gpr(v, (enum gpr)m->reg);
    if (m->high_byte)
        vcpu_set_gpr(v, (enum gpr)m->reg, (old & ~0xFF00ull) | (val << 8));
    else if (width >= 4)
        vcpu_set_gpr(v, (enum gpr)m->reg, val);
    else
        vcpu_set_gpr(v, (enum gpr)m->reg, (old & ~size_mask(width)) | val);
}

bool vcpu_in_64bit_mode(void)
{
    return (vmread(VMCS_GUEST_EFER) & (1ull << 10)) && (vmread(VMCS_GUEST_CS_AR) & (1u << 13));
}

void vcpu_exit_stats(const struct vcpu *v, struct hv_exit_stats *out)
{
    *out = v->stats;
    out->total = 0;
    for (uint32_t r = 0; r < HV_EXIT_REASONS; r++)
        out->total += v->stats.by_reason[r];
}
