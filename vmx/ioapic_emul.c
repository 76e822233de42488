/* IOAPIC emulation (82093AA register layout). The partition's IOREGSEL is
 * its own (partition->ioapic_regsel); the real select-and-access pair
 * happens under the IOAPIC lock, so partitions cannot disturb each other. */
#include "vmx/ioapic_emul.h"

#include "arch/x86/ioapic.h"
#include "hv/console.h"
#include "hv/partition.h"

#define OFF_IOREGSEL 0x00
#define OFF_IOWIN 0x10
#define RTE_MASKED (1u << 16)
#define RTE_DEST_SHIFT 24 /* in the high dword: physical destination APIC id */
#define MAX_PINS 24

static uint64_t source_value(const struct vcpu *v, const struct mmio_insn *m)
{
    if (m->has_imm)
        return m->imm;
    uint64_t r = vcpu_get_gpr(v, (enum gpr)m->reg);
    return m->high_byte ? (r >> 8) & 0xFF : r;
}

static uint64_t size_mask(uint8_t bytes) { return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1; }

/* Writes a read result into the destination register with the x86 rules:
 * 32- and 64-bit destinations are replaced (zero-extended), 8/16-bit ones
 * keep the other bits. */
static void store_result(struct vcpu *v, const struct mmio_insn *m, uint64_t value)
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

static uint32_t pin_of(uint32_t index) { return (index - IOAPIC_REG_REDTBL) / 2; }

static uint32_t read_register(const struct partition *p, uint32_t index)
{
    if (index < IOAPIC_REG_REDTBL)
        return ioapic_read(index);
    uint32_t pin = pin_of(index);
    if (pin >= MAX_PINS)
        return 0;
    if (!partition_owns_pin(p, pin)) /* someone else's pin: show it masked */
        return (index & 1) ? 0 : RTE_MASKED;
    return ioapic_read(index);
}

/* An OS that finds the IOAPIC masks every pin at boot (Linux does): on
 * a pin that is not its own such a write changes nothing and is dropped
 * (logged once); one that would unmask it stops the partition. */
static void foreign_pin_write(const struct partition *p, uint32_t index, uint32_t value)
{
    static bool logged[CFG_MAX_PARTITIONS];
    uint32_t pin = pin_of(index);
    if (!(index & 1) && !(value & RTE_MASKED))
        partition_stop_current(-1, "IOAPIC: write of 0x%x to the redirection entry of pin %u refused: not its pin",
                               value, pin);
    if (!logged[p->id % CFG_MAX_PARTITIONS]) {
        logged[p->id % CFG_MAX_PARTITIONS] = true;
        printk("%s: IOAPIC writes to pins it does not own (first: pin %u) are dropped", p->label, pin);
    }
}

/* Its rpc_gsi pin is wired to nothing: the vector it programs there is
 * the one its VMRPC notifications use (hv/config.h). */
static void note_rpc_gsi(struct partition *p, uint32_t pin, uint32_t low, bool unmasked)
{
    if (p->cfg->rpc_gsi && pin == p->cfg->rpc_gsi)
        p->rpc_gsi_vector = unmasked && (low & 0xFF) >= 0x20 ? (uint8_t)low : 0;
}

static void write_register(struct partition *p, uint32_t index, uint32_t value)
{
    if (index < IOAPIC_REG_REDTBL)
        partition_stop_current(-1, "IOAPIC register 0x%x is shared by all partitions: write of 0x%x refused", index,
                               value);
    uint32_t pin = pin_of(index);
    if (pin >= MAX_PINS || !partition_owns_pin(p, pin))
        return foreign_pin_write(p, index, value);
    /* An unmasked entry must point at one of its CPUs, whichever half
     * is written last. */
    uint32_t high = (index & 1) ? value : ioapic_read(index + 1);
    uint32_t low = (index & 1) ? ioapic_read(index - 1) : value;
    bool unmasked = !(low & RTE_MASKED);
    if (unmasked && !partition_owns_apic_id(p, high >> RTE_DEST_SHIFT))
        partition_stop_current(-1, "IOAPIC: pin %u aimed at APIC id %u refused: not its CPU", pin,
                               high >> RTE_DEST_SHIFT);
    ioapic_write(index, value);
    note_rpc_gsi(p, pin, low, unmasked);
}

void ioapic_emulate(struct vcpu *v, uint32_t offset, const struct mmio_insn *m)
{
    struct partition *p = v->partition;
    if (offset == OFF_IOREGSEL) {
        if (m->write)
            p->ioapic_regsel = (uint32_t)source_value(v, m) & 0xFF;
        else
            store_result(v, m, p->ioapic_regsel);
    } else if (offset == OFF_IOWIN) {
        if (m->write)
            write_register(p, p->ioapic_regsel, (uint32_t)source_value(v, m));
        else
            store_result(v, m, read_register(p, p->ioapic_regsel));
    } else if (!m->write) {
        store_result(v, m, 0); /* EOI and reserved registers read as 0 */
    }
}
