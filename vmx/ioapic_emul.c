/* IOAPIC emulation (82093AA register layout). The partition's IOREGSEL is
 * its own (partition->ioapic_regsel); the real select-and-access pair
 * happens under the IOAPIC lock, so partitions cannot disturb each other.
 * A write to one of its redirection entries is checked, whole, against
 * vmx/ioapic_check.c's rules and written under that same lock. Writes to
 * other offsets (the EOI register of version 0x20 chips) are dropped: a
 * partition never clears Remote-IRR directly. */
#include "vmx/ioapic_emul.h"

#include "arch/x86/ioapic.h"
#include "hv/console.h"
#include "hv/fmt.h"
#include "hv/partition.h"
#include "vmx/ioapic_check.h"

#define OFF_IOREGSEL 0x00
#define OFF_IOWIN 0x10
#define RTE_MASKED ((uint32_t)IOAPIC_RTE_MASKED)
#define MAX_PINS 24
#define NO_PARTITION 0xFFFFFFFFu

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
static void note_rpc_gsi(struct partition *p, uint32_t pin, uint64_t entry, bool unmasked)
{
    if (!p->cfg->rpc_gsi || pin != p->cfg->rpc_gsi)
        return;
    /* Physical destination mode: one CPU, which must be its own. */
    uint32_t dest = IOAPIC_RTE_DEST(entry);
    p->rpc_gsi_dest = !(entry & IOAPIC_RTE_LOGICAL) && partition_owns_apic_id(p, dest) ? dest : RPC_DEST_NONE;
    p->rpc_gsi_vector = unmasked && (entry & 0xFF) >= 0x20 ? (uint8_t)entry : 0;
}

/* Which partition's level-triggered entries each vector serves; read and
 * changed only by check_entry(), under the IOAPIC lock. */
static struct ioapic_level_owners level_owners;

static const char stopping[] = "the partition is stopping";

/* One checked write of a redirection entry: what check_entry() saw. */
struct entry_write {
    const struct partition *p;
    uint64_t entry;           /* the whole entry the write leaves */
    uint32_t foreign_apic_id; /* a CPU it reaches that is not its own */
    uint32_t holder;          /* the partition whose level vector it wants */
    uint64_t (*read_entry)(uint32_t pin);
};

static bool owns_apic_id(const void *ctx, uint32_t apic_id)
{
    return partition_owns_apic_id((const struct partition *)ctx, apic_id);
}

/* Whether partition `owner` still has a level-triggered entry, masked or
 * not, with this vector (read from the chip, under the lock). */
static bool still_holds(const void *ctx, uint32_t owner, uint8_t vector)
{
    const struct entry_write *w = ctx;
    if (owner >= partition_count)
        return false;
    const struct cfg_partition *c = partition_table[owner].cfg;
    for (uint32_t k = 0; k < c->pin_count; k++) {
        uint64_t e = w->read_entry(c->ioapic_pins[k]);
        if ((e & IOAPIC_RTE_LEVEL) && IOAPIC_RTE_VECTOR(e) == vector)
            return true;
    }
    return false;
}

/* Runs under the IOAPIC lock (ioapic_write_entry_checked). A partition
 * that is being stopped writes nothing more: whoever stops it may mask
 * its pins after setting its state, and no write of its can come later. */
static const char *check_entry(void *ctx, uint32_t pin, uint64_t entry, uint64_t (*read_entry)(uint32_t pin))
{
    struct entry_write *w = ctx;
    (void)pin;
    w->entry = entry;
    if (w->p->state == PART_STOPPED)
        return stopping;
    const char *why = ioapic_route_check(entry, owns_apic_id, w->p, &w->foreign_apic_id);
    if (why || (entry & IOAPIC_RTE_MASKED) || !(entry & IOAPIC_RTE_LEVEL))
        return why;
    w->read_entry = read_entry;
    return ioapic_level_claim(&level_owners, IOAPIC_RTE_VECTOR(entry), w->p->id, still_holds, w, &w->holder);
}

NORETURN static void refuse_entry(uint32_t pin, const struct entry_write *w, const char *why)
{
    char detail[64] = "";
    if (w->foreign_apic_id != IOAPIC_NO_APIC_ID) {
        const char *owner = apic_id_owner(w->foreign_apic_id);
        fmt_snprintf(detail, sizeof detail, " (APIC id %u, owned by %s)", w->foreign_apic_id,
                     owner ? owner : "no partition");
    } else if (w->holder != NO_PARTITION) {
        fmt_snprintf(detail, sizeof detail, " (vector 0x%x, %s)", IOAPIC_RTE_VECTOR(w->entry),
                     partition_table[w->holder].label);
    }
    partition_stop_current(-1, "IOAPIC: pin %u entry 0x%016lx refused: %s%s", pin, w->entry, why, detail);
}

static void write_register(struct partition *p, uint32_t index, uint32_t value)
{
    if (index < IOAPIC_REG_REDTBL)
        partition_stop_current(-1, "IOAPIC register 0x%x is shared by all partitions: write of 0x%x refused", index,
                               value);
    uint32_t pin = pin_of(index);
    if (pin >= MAX_PINS || !partition_owns_pin(p, pin))
        return foreign_pin_write(p, index, value);
    struct entry_write w = {.p = p, .foreign_apic_id = IOAPIC_NO_APIC_ID, .holder = NO_PARTITION};
    const char *why = ioapic_write_entry_checked(index, value, check_entry, &w);
    if (why == stopping)
        return; /* its CPU parks on the way back to the guest */
    if (why)
        refuse_entry(pin, &w, why);
    note_rpc_gsi(p, pin, w.entry, !(w.entry & IOAPIC_RTE_MASKED));
}

void ioapic_emulate(struct vcpu *v, uint32_t offset, const struct mmio_insn *m)
{
    struct partition *p = v->partition;
    if (offset == OFF_IOREGSEL) {
        if (m->write)
            p->ioapic_regsel = (uint32_t)vcpu_mmio_write_value(v, m) & 0xFF;
        else
            vcpu_mmio_store_read(v, m, p->ioapic_regsel);
    } else if (offset == OFF_IOWIN) {
        if (m->write)
            write_register(p, p->ioapic_regsel, (uint32_t)vcpu_mmio_write_value(v, m));
        else
            vcpu_mmio_store_read(v, m, read_register(p, p->ioapic_regsel));
    } else if (!m->write) {
        vcpu_mmio_store_read(v, m, 0); /* EOI and reserved registers read as 0 */
    }
}
