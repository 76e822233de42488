/* HPET write emulation; see hpet_emul.h. The decision is
 * vmx/hpet_policy.c's; here the register is read and written under the
 * HPET lock (arch/x86/hpet.c), so partitions sharing the chip cannot
 * interleave a read-check-write, and a write cannot land after the
 * partition's comparators were turned off by its stop (hv/quiesce.c
 * takes the same lock once the partition is marked stopped). */
#include "vmx/hpet_emul.h"

#include "arch/x86/hpet.h"
#include "arch/x86/platform.h"
#include "hv/partition.h"
#include "vmx/hpet_policy.h"

bool hpet_emul_claims(const struct partition *p, uint64_t gpa, uint64_t *offset)
{
    for (uint32_t i = 0; i < p->cfg->mem_count; i++) {
        const struct cfg_mem *m = &p->cfg->mem[i];
        if (m->kind == CFG_MEM_HPET && gpa >= m->guest && gpa - m->guest < m->size) {
            *offset = gpa - m->guest;
            return true;
        }
    }
    return false;
}

static uint64_t pin_mask(const struct cfg_partition *c)
{
    uint64_t pins = 0;
    for (uint32_t k = 0; k < c->pin_count; k++)
        pins |= 1ull << (c->ioapic_pins[k] & 63);
    return pins;
}

static bool sole_user(const struct partition *p)
{
    for (uint32_t i = 0; i < partition_count; i++)
        if (&partition_table[i] != p && partition_table[i].cfg->hpet_timers)
            return false;
    return true;
}

void hpet_emulate(struct vcpu *v, uint64_t offset, const struct mmio_insn *m)
{
    const struct partition *p = v->partition;
    char name[32];
    hpet_register_name((uint32_t)offset, name, sizeof name);
    if (!m->write || !hpet_present())
        partition_stop_current(-1, "HPET: %s of %s (offset 0x%lx) at RIP 0x%lx cannot be emulated",
                               m->write ? "write" : "read", name, offset, vcpu_get_rip());
    struct hpet_rights r = {
        .timers = p->cfg->hpet_timers,
        .pins = (uint32_t)pin_mask(p->cfg),
        .timer_count = platform.hpet.comparators,
        .sole_user = sole_user(p),
    };
    uint64_t value = vcpu_mmio_write_value(v, m) & (m->size >= 8 ? ~0ull : (1ull << (8 * m->size)) - 1);
    hpet_lock();
    if (partition_stop_pending(v->partition)) { /* stopped (and quiesced) from another of its CPUs meanwhile */
        hpet_unlock();
        partition_park_cpu(v);
    }
    uint64_t old = offset < HPET_REGS_SIZE ? hpet_reg_read((uint32_t)offset) : 0;
    struct hpet_decision d = hpet_policy_write(&r, (uint32_t)offset, m->size, old, value);
    if (d.verdict == HPET_APPLY)
        hpet_reg_write((uint32_t)offset, m->size, d.value);
    hpet_unlock();
    if (d.verdict == HPET_REFUSE)
        partition_stop_current(-1, "HPET: %u-bit write of 0x%lx to %s (offset 0x%lx) refused: it %s", 8 * m->size,
                               value, name, offset, d.why);
}
