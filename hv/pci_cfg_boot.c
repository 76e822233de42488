/* Building a partition's PCI configuration space at boot (hv/pci_cfg.h):
 * its host bridge's identity, and for each function it is given the
 * probe of its BARs, Bus Master Enable, and its capability list. */
#include "hv/fmt.h"
#include "hv/pci_cfg_internal.h"

#define BRIDGE_CLASS 0x0600u                /* base class 06, sub-class 00: host bridge */
#define I440FX_ID 0x12378086u               /* the 82441FX PMC (Bochs's, QEMU's 00:00.0) */
#define I440FX_CLASS_REV 0x06000002u
#define IDE_CLASS 0x0101u                   /* mass storage, IDE (PCI IDE Controller Specification 1.0) */
#define IDE_BUS_MASTER_BAR 4                /* BAR4: the bus-master (DMA) registers */
#define IDE_PROG_IF_NATIVE 0x05u            /* bits 0, 2: primary, secondary channel in native mode */
#define IDE_COMMAND_PORTS 8
#define IDE_CONTROL_PORTS 4                 /* a native control block; the control register is at +2 */
#define IDE_CONTROL_OFFSET 2
#define INTA 1
#define PCI_MSI_CONTROL 2   /* Message Control, in MSI and MSI-X alike (PCI 3.0 6.8.1, 6.8.2) */
#define MSI_ENABLE 0x0001u
#define MSIX_ENABLE 0x8000u
#define HEADER_TYPE_MASK 0x7F
#define MAX_CAPS 48                         /* (256 - 64) / 4: a longer list loops */
#define BAR_IO 0x1u
#define BAR_MEM_TYPE(v) (((v) >> 1) & 3)    /* 0: 32-bit, 2: 64-bit (PCI 3.0 6.2.5.1) */
#define BAR_MEM_64 2

void pci_cfg_init(struct pci_cfg_space *s, const struct pci_cfg_backend *b, bool dma, const uint32_t *apic_ids,
                  uint32_t apic_count)
{
    *s = (struct pci_cfg_space){.backend = b, .dma = dma};
    for (uint32_t i = 0; i < apic_count && i < PCI_CFG_MAX_CPUS; i++)
        s->apic_ids[s->apic_count++] = apic_ids[i];
    uint32_t class_rev = b->read(b->ctx, 0, PCI_REG_CLASS_REV, 4);
    if (class_rev >> 16 == BRIDGE_CLASS) {
        s->bridge_id = b->read(b->ctx, 0, PCI_REG_ID, 4);
        s->bridge_class_rev = class_rev;
        s->bridge_subsystem = b->read(b->ctx, 0, PCI_REG_SUBSYSTEM, 4);
    } else {
        s->bridge_id = I440FX_ID;
        s->bridge_class_rev = I440FX_CLASS_REV;
    }
}

/* BAR sizes, read with the function's decoding off so that the all-ones
 * address never claims cycles (PCI 3.0 6.2.5.1, implementation note). */
static void probe_bars(const struct pci_cfg_space *s, struct pci_vfunc *f)
{
    const struct pci_cfg_backend *b = s->backend;
    uint32_t cmd = b->read(b->ctx, f->host, PCI_REG_COMMAND, 2);
    b->write(b->ctx, f->host, PCI_REG_COMMAND, 2, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
    for (uint32_t i = 0; i < PCI_CFG_BARS; i++) {
        uint32_t reg = PCI_REG_BAR0 + 4 * i;
        f->bar[i] = b->read(b->ctx, f->host, reg, 4);
        b->write(b->ctx, f->host, reg, 4, PCI_ALL_ONES);
        f->probe[i] = b->read(b->ctx, f->host, reg, 4);
        b->write(b->ctx, f->host, reg, 4, f->bar[i]);
    }
    for (uint32_t i = 0; i + 1 < PCI_CFG_BARS; i++)
        if (f->probe[i] && !(f->bar[i] & BAR_IO) && BAR_MEM_TYPE(f->bar[i]) == BAR_MEM_64)
            f->bar_upper |= (uint8_t)(1u << ++i);
    if (!s->dma)
        cmd &= ~PCI_CMD_BUS_MASTER; /* whatever the firmware left: no DMA */
    b->write(b->ctx, f->host, PCI_REG_COMMAND, 2, cmd);
}

/* Skipping a hidden capability: the pointer in register link (0x34, or
 * the next-pointer byte of the last capability shown) reads next. A run
 * of hidden capabilities shares one link. */
static void hide_capability(struct pci_vfunc *f, uint32_t link, uint32_t next)
{
    for (uint32_t i = 0; i < PCI_HIDDEN_CAPS; i++)
        if (!f->cap_link[i] || f->cap_link[i] == link) {
            f->cap_link[i] = (uint8_t)link;
            f->cap_next[i] = (uint8_t)next;
            return;
        }
}

/* The capability list (PCI 3.0 6.7): MSI and MSI-X found; MSI-X, and
 * MSI without DMA, unlinked from the list the partition reads. Both are
 * turned off, as after a reset, whatever the firmware left: the
 * partition starts on INTx and enables what it may. */
static void find_capabilities(const struct pci_cfg_space *s, struct pci_vfunc *f)
{
    const struct pci_cfg_backend *b = s->backend;
    if (!(b->read(b->ctx, f->host, PCI_REG_STATUS, 2) & PCI_STATUS_CAP_LIST))
        return;
    f->msi_hidden = !s->dma;
    uint32_t link = PCI_REG_CAP_PTR;
    uint32_t at = b->read(b->ctx, f->host, link, 1) & 0xFC;
    for (uint32_t n = 0; at >= 0x40 && n < MAX_CAPS; n++) {
        uint32_t header = b->read(b->ctx, f->host, at, 2);
        uint32_t next = (header >> 8) & 0xFC;
        uint8_t id = header & 0xFF;
        if (id == PCI_CAP_MSI && !f->msi)
            f->msi = (uint8_t)at;
        if (id == PCI_CAP_MSIX && !f->msix)
            f->msix = (uint8_t)at;
        if (id == PCI_CAP_MSI || id == PCI_CAP_MSIX) {
            uint32_t ctrl = b->read(b->ctx, f->host, at + PCI_MSI_CONTROL, 2);
            b->write(b->ctx, f->host, at + PCI_MSI_CONTROL, 2, ctrl & ~(id == PCI_CAP_MSI ? MSI_ENABLE : MSIX_ENABLE));
        }
        if (at == f->msix || (at == f->msi && f->msi_hidden))
            hide_capability(f, link, next);
        else
            link = at + 1;
        at = next;
    }
}

/* Bit 7 of the header type says whether the device has functions
 * besides 0; in a partition, whether it has another one at that device. */
static void set_multifunction_bits(struct pci_cfg_space *s)
{
    for (uint32_t i = 0; i < s->fn_count; i++) {
        struct pci_vfunc *f = &s->fn[i];
        bool multi = false;
        for (uint32_t j = 0; j < s->fn_count; j++)
            multi |= j != i && (s->fn[j].guest >> 3) == (f->guest >> 3);
        f->header = (uint8_t)((f->header & HEADER_TYPE_MASK) | (multi ? PCI_HEADER_MULTIFUNCTION : 0));
    }
}

bool pci_cfg_add_function(struct pci_cfg_space *s, uint16_t host, uint16_t guest, char *why, size_t whylen)
{
    const struct pci_cfg_backend *b = s->backend;
    if (s->fn_count == CFG_MAX_PCI || guest == 0 || guest >> 8) {
        fmt_snprintf(why, whylen, "no room for PCI %02x:%02x.%x at %02x:%02x.%x", PCI_BDF_ARGS(host), PCI_BDF_ARGS(guest));
        return false;
    }
    for (uint32_t i = 0; i < s->fn_count; i++)
        if (s->fn[i].guest == guest || s->fn[i].host == host) {
            fmt_snprintf(why, whylen, "PCI %02x:%02x.%x or %02x:%02x.%x is given twice", PCI_BDF_ARGS(host),
                         PCI_BDF_ARGS(guest));
            return false;
        }
    struct pci_vfunc f = {.host = host, .guest = guest};
    f.id = b->read(b->ctx, host, PCI_REG_ID, 4);
    if ((f.id & 0xFFFF) == 0xFFFF || (f.id & 0xFFFF) == 0) {
        fmt_snprintf(why, whylen, "PCI function %02x:%02x.%x is not on this machine", PCI_BDF_ARGS(host));
        return false;
    }
    f.header = (uint8_t)(b->read(b->ctx, host, PCI_REG_HEADER + 2, 1) & HEADER_TYPE_MASK);
    if (f.header != 0) {
        fmt_snprintf(why, whylen, "PCI %02x:%02x.%x has header type %u (a bridge): only endpoints are given",
                     PCI_BDF_ARGS(host), f.header);
        return false;
    }
    f.class_rev = b->read(b->ctx, host, PCI_REG_CLASS_REV, 4);
    f.interrupt_pin = (uint8_t)b->read(b->ctx, host, PCI_REG_INTERRUPT + 1, 1);
    f.line = (uint8_t)b->read(b->ctx, host, PCI_REG_INTERRUPT, 1);
    f.ide_pio = f.class_rev >> 16 == IDE_CLASS && !s->dma;
    struct pci_vfunc *slot = &s->fn[s->fn_count];
    *slot = f;
    s->fn_count++; /* probe_bars reads s->dma only; the function is in place for the rest */
    probe_bars(s, slot);
    if (slot->ide_pio)
        slot->bar[IDE_BUS_MASTER_BAR] = slot->probe[IDE_BUS_MASTER_BAR] = 0;
    find_capabilities(s, slot);
    set_multifunction_bits(s);
    return true;
}

struct pci_bar pci_vfunc_bar(const struct pci_vfunc *f, uint32_t i)
{
    struct pci_bar bar = {.kind = PCI_BAR_NONE};
    if (i >= PCI_CFG_BARS || (f->bar_upper & (1u << i)))
        return bar;
    if (f->ide_pio && i == IDE_BUS_MASTER_BAR) {
        bar.hidden = true;
        return bar;
    }
    uint32_t v = f->bar[i], p = f->probe[i];
    if (!p)
        return bar;
    if (v & BAR_IO) {
        uint32_t mask = p & ~0x3u;
        if (!(mask >> 16))
            mask |= 0xFFFF0000u; /* 16-bit I/O decoders need not implement the upper half */
        return (struct pci_bar){PCI_BAR_IO, false, v & ~0x3u, (uint64_t)(~mask + 1u), (f->bar_legacy >> i) & 1};
    }
    uint64_t mask = p & ~0xFu, base = v & ~0xFu;
    if (BAR_MEM_TYPE(v) == BAR_MEM_64 && i + 1 < PCI_CFG_BARS) {
        mask |= (uint64_t)f->probe[i + 1] << 32;
        base |= (uint64_t)f->bar[i + 1] << 32;
        return (struct pci_bar){PCI_BAR_MEM64, false, base, ~mask + 1, false};
    }
    return (struct pci_bar){PCI_BAR_MEM32, false, base, (uint64_t)(uint32_t)(~(uint32_t)mask + 1u), false};
}

const struct pci_ide_legacy pci_ide_legacy[PCI_IDE_CHANNELS] = {{0x1F0, 0x3F6, 14}, {0x170, 0x376, 15}};

bool pci_ide_is_compat(const struct pci_vfunc *f)
{
    return f->class_rev >> 16 == IDE_CLASS && !((f->class_rev >> 8) & IDE_PROG_IF_NATIVE);
}

/* BAR i as an I/O BAR of size ports at base: what the firmware would
 * have left and what a sizing probe reads (PCI 3.0 6.2.5.1). */
static void legacy_io_bar(struct pci_vfunc *f, uint32_t i, uint32_t base, uint32_t size)
{
    f->bar[i] = base | BAR_IO;
    f->probe[i] = ~(size - 1) | BAR_IO;
    f->bar_legacy |= (uint8_t)(1u << i);
}

void pci_ide_show_native(struct pci_vfunc *f, int channel)
{
    f->prog_if_native = IDE_PROG_IF_NATIVE;
    for (uint32_t i = 0; i < 2 * PCI_IDE_CHANNELS; i++)
        f->bar[i] = f->probe[i] = 0; /* reserved (0) in compatibility mode on the PIIX */
    f->bar_legacy = 0;
    if (channel < 0 || channel >= PCI_IDE_CHANNELS)
        return;
    const struct pci_ide_legacy *c = &pci_ide_legacy[channel];
    legacy_io_bar(f, 2 * (uint32_t)channel, c->command, IDE_COMMAND_PORTS);
    legacy_io_bar(f, 2 * (uint32_t)channel + 1, c->control - IDE_CONTROL_OFFSET, IDE_CONTROL_PORTS);
    f->interrupt_pin = INTA;
    f->line = c->irq;
}
