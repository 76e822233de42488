/* MSI and MSI-X capability registers of a partition's function
 * (hv/pci_cfg.h). An MSI is a memory write of data to address by the
 * function (PCI Local Bus 3.0, 6.8); where it lands in the LAPIC window
 * it is an interrupt with the destination, mode and vector they encode
 * (Intel SDM Vol. 3A 11.11.1 address, 11.11.2 data). Without interrupt
 * remapping nothing checks a message on its way, so the registers are
 * checked as they are written: only a fixed, edge, physical-destination
 * message to one of the partition's own CPUs reaches the function, and
 * MSI is enabled only with such a message in place. Without DMA (Bus
 * Master Enable refused) the function cannot send a message at all: MSI
 * is then unlinked from the list like MSI-X, and refuses writes. MSI-X
 * keeps its messages in a table in a BAR page, which is not mediated:
 * the capability is unlinked from the list (hv/pci_cfg_boot.c) and its
 * registers refuse writes, so MSI-X is never enabled. */
#include "hv/pci_cfg_internal.h"
#include "vmx/ioapic_check.h"

/* MSI capability layout (PCI Local Bus 3.0, 6.8.1). */
#define MSI_CONTROL 2
#define MSI_ADDRESS 4
#define MSI_CTRL_ENABLE 0x0001u
#define MSI_CTRL_MULTIPLE_ENABLE 0x0070u /* bits 6:4 */
#define MSI_CTRL_64BIT 0x0080u
#define MSI_CTRL_PER_VECTOR_MASK 0x0100u
#define MSIX_CAP_SIZE 12

#define MSI_WINDOW_MASK 0xFFF00000u
#define MSI_WINDOW 0xFEE00000u
#define MSI_ADDR_DEST(a) (((a) >> 12) & 0xFF)
#define MSI_ADDR_RESERVED 0x00000FF8u /* bits 11:4 (extended or remappable formats) and RH (3) */
#define MSI_ADDR_LOGICAL 0x4u
#define MSI_DATA_DELIVERY(d) (((d) >> 8) & 7)
#define MSI_DATA_LEVEL_TRIGGER 0x8000u
#define MSI_DM_FIXED 0
#define MIN_VECTOR 0x20

static bool owns_apic_id(const void *ctx, uint32_t apic_id)
{
    const struct pci_cfg_space *s = ctx;
    for (uint32_t i = 0; i < s->apic_count; i++)
        if (s->apic_ids[i] == apic_id)
            return true;
    return false;
}

/* The address alone: the LAPIC window, a physical destination that is
 * one of the partition's CPUs (the same rule as an IOAPIC route,
 * vmx/ioapic_check.c, asked with a harmless vector). */
static const char *address_check(const struct pci_cfg_space *s, uint64_t address)
{
    if (address >> 32 || (address & MSI_WINDOW_MASK) != MSI_WINDOW)
        return "the address is outside the interrupt window 0xfee00000";
    if (address & MSI_ADDR_LOGICAL)
        return "logical destination mode (only physical destinations are allowed)";
    if (address & MSI_ADDR_RESERVED)
        return "address bits 11:3 (redirection hint, extended destination) must be 0";
    uint32_t foreign;
    return ioapic_route_check(MIN_VECTOR | (uint64_t)MSI_ADDR_DEST(address) << 56, owns_apic_id, s, &foreign);
}

/* The data alone: fixed delivery, edge, a vector above the exceptions. */
static const char *data_check(uint32_t data)
{
    if (MSI_DATA_DELIVERY(data) != MSI_DM_FIXED)
        return "delivery mode is not fixed";
    if (data & MSI_DATA_LEVEL_TRIGGER)
        return "level-triggered messages are not allowed";
    if ((data & 0xFF) < MIN_VECTOR)
        return "vector below 0x20 (exceptions and reserved vectors)";
    return NULL;
}

const char *pci_msi_check(const struct pci_cfg_space *s, uint64_t address, uint32_t data)
{
    const char *why = address_check(s, address);
    return why ? why : data_check(data);
}

static bool msi_64bit(const struct pci_cfg_space *s, const struct pci_vfunc *f)
{
    return pci_real_read(s, f, f->msi + MSI_CONTROL, 2) & MSI_CTRL_64BIT;
}

static uint32_t msi_data_reg(const struct pci_cfg_space *s, const struct pci_vfunc *f)
{
    return f->msi + (msi_64bit(s, f) ? 12u : 8u);
}

/* The message the function holds now. */
static const char *current_message_check(const struct pci_cfg_space *s, const struct pci_vfunc *f, uint64_t *address,
                                         uint32_t *data)
{
    *address = pci_real_read(s, f, f->msi + MSI_ADDRESS, 4);
    if (msi_64bit(s, f))
        *address |= (uint64_t)pci_real_read(s, f, f->msi + 8, 4) << 32;
    *data = pci_real_read(s, f, msi_data_reg(s, f), 2);
    return pci_msi_check(s, *address, *data);
}


/* Message Control: only MSI Enable is the partition's, and only with a
 * checked message in place; one message (Multiple Message Enable 0). */
static void control_write(struct pci_cfg_space *s, struct pci_vfunc *f, uint32_t value, uint32_t byte_mask)
{
    uint32_t cur = pci_real_read(s, f, f->msi + MSI_CONTROL, 2);
    uint32_t want = pci_merge(cur << 16, value, byte_mask) >> 16;
    uint32_t ctrl = (cur & ~(MSI_CTRL_ENABLE | MSI_CTRL_MULTIPLE_ENABLE)) | (want & MSI_CTRL_ENABLE);
    uint64_t address;
    uint32_t data;
    const char *why;
    if ((ctrl & MSI_CTRL_ENABLE) && !(cur & MSI_CTRL_ENABLE) && (why = current_message_check(s, f, &address, &data))) {
        pci_refuse(s, "PCI %02x:%02x.%x: MSI enable refused: its message (address 0x%lx, data 0x%x) is not allowed: %s",
                   PCI_BDF_ARGS(f->guest), (unsigned long)address, data, why);
        ctrl &= ~MSI_CTRL_ENABLE;
    }
    pci_write_bytes(s, f, f->msi, ctrl << 16, byte_mask & 0xC);
}

/* An address or data write: the field as it would be after it must
 * pass; while MSI is enabled, the whole message (the other field may
 * have been written before, while it was off). */
static void message_write(struct pci_cfg_space *s, struct pci_vfunc *f, uint32_t reg, uint32_t value,
                          uint32_t byte_mask)
{
    uint64_t address;
    uint32_t data;
    (void)current_message_check(s, f, &address, &data);
    bool enabled = pci_real_read(s, f, f->msi + MSI_CONTROL, 2) & MSI_CTRL_ENABLE;
    const char *why;
    if (reg == msi_data_reg(s, f)) {
        byte_mask &= 3; /* the upper half is reserved (or extended data, not offered) */
        data = pci_merge(data, value, byte_mask) & 0xFFFF;
        why = enabled ? pci_msi_check(s, address, data) : data_check(data);
    } else {
        if (reg == f->msi + (uint32_t)MSI_ADDRESS)
            address = (address & ~0xFFFFFFFFull) | pci_merge((uint32_t)address, value, byte_mask);
        else
            address = (address & 0xFFFFFFFFull) | (uint64_t)pci_merge((uint32_t)(address >> 32), value, byte_mask) << 32;
        /* The upper half alone, while the lower is still 0, is checked
         * when the lower is written or MSI enabled. */
        bool upper_first = !enabled && reg != f->msi + (uint32_t)MSI_ADDRESS && !(uint32_t)address;
        why = upper_first ? (address >> 32 ? "the address is above 4 GiB, outside the interrupt window" : NULL)
              : enabled   ? pci_msi_check(s, address, data)
                          : address_check(s, address);
    }
    if (why) {
        pci_refuse(s, "PCI %02x:%02x.%x: MSI message (address 0x%lx, data 0x%x) refused: %s", PCI_BDF_ARGS(f->guest),
                   (unsigned long)address, data, why);
        return;
    }
    if (byte_mask)
        pci_write_bytes(s, f, reg, value, byte_mask);
}

/* Bytes of the MSI capability: 10 (32-bit address) or 14 (64-bit),
 * plus mask and pending dwords with per-vector masking (PCI 3.0 6.8.1). */
static uint32_t msi_cap_size(const struct pci_cfg_space *s, const struct pci_vfunc *f)
{
    uint32_t ctrl = pci_real_read(s, f, f->msi + MSI_CONTROL, 2);
    return ((ctrl & MSI_CTRL_64BIT) ? 14u : 10u) + ((ctrl & MSI_CTRL_PER_VECTOR_MASK) ? 10u : 0u);
}

bool pci_msi_write(struct pci_cfg_space *s, struct pci_vfunc *f, uint32_t reg, uint32_t value, uint32_t byte_mask)
{
    if (f->msi_hidden && f->msi && reg >= f->msi && reg < f->msi + msi_cap_size(s, f)) {
        pci_refuse(s, "PCI %02x:%02x.%x: MSI register 0x%x write refused: MSI is not offered without DMA (a message "
                      "is a memory write by the function)", PCI_BDF_ARGS(f->guest), reg);
        return true;
    }
    if (f->msix && reg >= f->msix && reg < f->msix + (uint32_t)MSIX_CAP_SIZE) {
        pci_refuse(s, "PCI %02x:%02x.%x: MSI-X register 0x%x write refused: MSI-X is not offered",
                   PCI_BDF_ARGS(f->guest), reg);
        (void)value;
        return true;
    }
    if (!f->msi || reg < f->msi)
        return false;
    uint32_t data_reg = msi_data_reg(s, f);
    if (reg == f->msi) {
        control_write(s, f, value, byte_mask);
        return true;
    }
    if (reg > data_reg)
        return false; /* mask and pending bits, or past the capability */
    message_write(s, f, reg, value, byte_mask);
    return true;
}
