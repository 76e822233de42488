/* PCI configuration mechanism #1 for a partition (hv/pci_cfg.h): the
 * address latch, the emulated host bridge and the mediated header of its
 * functions. Layout of CONFIG_ADDRESS: PCI Local Bus Specification 3.0,
 * 3.2.2.3.2, Figure 3-2. CONFIG_ADDRESS keeps what was written, reserved
 * bits included, as Bochs's and QEMU's i440FX do (the machines the tests
 * compare with). A partition's CPUs share its space, as they would share
 * one host bridge: the latch is read and written atomically (a kernel
 * serializes its address-then-data pairs with a lock of its own, as on
 * hardware); data accesses take the space's lock. */
#include "hv/fmt.h"
#include "hv/pci_cfg_internal.h"

#include <stdarg.h>

#define ADDRESS_ENABLE 0x80000000u
#define ADDRESS_BDF(a) ((uint16_t)(((a) >> 8) & 0xFFFF))
#define ADDRESS_REG(a) ((a) & 0xFC)
#define BRIDGE_CHIPSET_REGS 0x40 /* from here: the chipset's own (memory map, PAM, SMRAM) */
#define PROG_IF_BUS_MASTER (0x80u << 8) /* class_rev bit 15: IDE bus mastering (PCI IDE 1.0) */
#define BAR_IO_TYPE_BITS 0x3u
#define BAR_MEM_TYPE_BITS 0xFu

bool pci_cfg_handles(uint16_t port, uint32_t size)
{
    if (port == PCI_CFG_ADDRESS_PORT)
        return size == 4;
    return port >= PCI_CFG_DATA_PORT && port <= PCI_CFG_DATA_PORT + 3 && (size == 1 || size == 2 || size == 4);
}

void pci_refuse(struct pci_cfg_space *s, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    if (s->refusals >= PCI_CFG_LOG_LIMIT)
        return;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (++s->refusals == PCI_CFG_LOG_LIMIT && n >= 0 && (size_t)n < sizeof msg)
        fmt_snprintf(msg + n, sizeof msg - (size_t)n, "; further PCI refusals not logged");
    s->backend->refused(s->backend->ctx, msg);
}

void pci_write_bytes(const struct pci_cfg_space *s, const struct pci_vfunc *f, uint32_t reg, uint32_t value,
                     uint32_t byte_mask)
{
    if (byte_mask == 0xF) {
        s->backend->write(s->backend->ctx, f->host, reg, 4, value);
        return;
    }
    for (uint32_t b = 0; b < 4; b++) {
        if (!(byte_mask & (1u << b)))
            continue;
        bool word = !(b & 1) && (byte_mask & (2u << b));
        uint32_t size = word ? 2 : 1;
        s->backend->write(s->backend->ctx, f->host, reg + b, size, (value >> (8 * b)) & (word ? 0xFFFF : 0xFF));
        b += word;
    }
}

struct pci_vfunc *pci_function_at(struct pci_cfg_space *s, uint16_t guest)
{
    for (uint32_t i = 0; i < s->fn_count; i++)
        if (s->fn[i].guest == guest)
            return &s->fn[i];
    return NULL;
}

/* ------------------------------------------------------------ host bridge */

/* Identity registers only; the rest reads 0 (no BARs, no capabilities). */
static uint32_t bridge_read32(const struct pci_cfg_space *s, uint32_t reg)
{
    switch (reg) {
    case PCI_REG_ID:
        return s->bridge_id;
    case PCI_REG_CLASS_REV:
        return s->bridge_class_rev;
    case PCI_REG_SUBSYSTEM:
        return s->bridge_subsystem;
    default:
        return 0;
    }
}

/* -------------------------------------------------------------- reading */

static bool is_bar(uint32_t reg) { return reg >= PCI_REG_BAR0 && reg < PCI_REG_BAR0 + 4 * PCI_CFG_BARS; }

/* Dwords whose value the hypervisor makes up or edits; the others are
 * read from the function as the partition asked (size and offset). */
static bool mediated_read(const struct pci_vfunc *f, uint32_t reg)
{
    return reg == PCI_REG_CLASS_REV || reg == PCI_REG_HEADER || is_bar(reg) || reg == PCI_REG_ROM ||
           reg == PCI_REG_INTERRUPT || pci_cap_link_hidden(f, reg);
}

static uint32_t function_read32(const struct pci_cfg_space *s, const struct pci_vfunc *f, uint32_t reg)
{
    if (is_bar(reg)) {
        uint32_t i = (reg - PCI_REG_BAR0) / 4;
        return (f->sizing & (1u << i)) ? f->probe[i] : f->bar[i];
    }
    if (reg == PCI_REG_ROM)
        return 0; /* no expansion ROM: its BAR would be another window to place */
    uint32_t v = pci_real_read(s, f, reg, 4);
    if (reg == PCI_REG_CLASS_REV && f->ide_pio)
        v &= ~PROG_IF_BUS_MASTER;
    if (reg == PCI_REG_CLASS_REV)
        v |= (uint32_t)f->prog_if_native << 8;
    if (reg == PCI_REG_HEADER)
        v = (v & 0xFF00FFFFu) | (uint32_t)f->header << 16;
    if (reg == PCI_REG_INTERRUPT) /* the pin as the view has it (pci_ide_show_native), the line as last written */
        v = (v & ~0xFFFFu) | (uint32_t)f->interrupt_pin << 8 | f->line;
    for (uint32_t i = 0; i < PCI_HIDDEN_CAPS; i++)
        if (f->cap_link[i] && reg == (f->cap_link[i] & 0xFCu)) {
            uint32_t shift = 8 * (f->cap_link[i] & 3);
            v = (v & ~(0xFFu << shift)) | (uint32_t)f->cap_next[i] << shift;
        }
    return v;
}

static uint32_t size_mask(uint32_t size) { return size == 4 ? PCI_ALL_ONES : (1u << (8 * size)) - 1; }

uint32_t pci_space_read(struct pci_cfg_space *s, uint16_t bdf, uint32_t reg, uint32_t offset, uint32_t size)
{
    if ((bdf >> 8) != 0 || !s->backend)
        return size_mask(size);
    if (bdf == PCI_BRIDGE_BDF)
        return (bridge_read32(s, reg) >> (8 * offset)) & size_mask(size);
    struct pci_vfunc *f = pci_function_at(s, bdf);
    if (!f)
        return size_mask(size); /* master abort: no function there */
    if (!mediated_read(f, reg))
        return pci_real_read(s, f, reg + offset, size);
    return (function_read32(s, f, reg) >> (8 * offset)) & size_mask(size);
}

uint32_t pci_cfg_read(struct pci_cfg_space *s, uint16_t port, uint32_t size)
{
    uint32_t address = __atomic_load_n(&s->config_address, __ATOMIC_RELAXED);
    if (port == PCI_CFG_ADDRESS_PORT)
        return address;
    if (!(address & ADDRESS_ENABLE) || !s->backend)
        return size_mask(size); /* an ordinary I/O read of 0xCFC: no device */
    spin_lock(&s->lock);
    uint32_t v = pci_space_read(s, ADDRESS_BDF(address), ADDRESS_REG(address), port - PCI_CFG_DATA_PORT, size);
    spin_unlock(&s->lock);
    return v;
}

/* -------------------------------------------------------------- writing */

/* Decode and INTx disable pass; Bus Master Enable only with DMA; other
 * bits (special cycles, MWI, palette snoop, parity, SERR#, fast
 * back-to-back) keep the machine's value. */
static void command_write(struct pci_cfg_space *s, struct pci_vfunc *f, uint32_t value, uint32_t byte_mask)
{
    uint32_t cur = pci_real_read(s, f, PCI_REG_COMMAND, 2);
    uint32_t want = pci_merge(cur, value, byte_mask & 3) & 0xFFFF;
    uint32_t allowed = PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_INTX_DISABLE | (s->dma ? PCI_CMD_BUS_MASTER : 0);
    uint32_t cmd = (cur & ~allowed) | (want & allowed);
    if ((want & PCI_CMD_BUS_MASTER) && !(cmd & PCI_CMD_BUS_MASTER) && !s->bus_master_logged) {
        s->bus_master_logged = true;
        pci_refuse(s, "PCI %02x:%02x.%x: Bus Master Enable refused: its config does not allow DMA (dma none)",
                   PCI_BDF_ARGS(f->guest));
    }
    pci_write_bytes(s, f, PCI_REG_COMMAND, (value & 0xFFFF0000u) | cmd, byte_mask);
}

/* The bits of BAR dword i that hold its address (all ones in them is a
 * sizing probe). */
static uint32_t bar_address_bits(const struct pci_vfunc *f, uint32_t i)
{
    if (f->bar_upper & (1u << i))
        return f->probe[i];
    return f->probe[i] & ~((f->bar[i] & 1) ? BAR_IO_TYPE_BITS : BAR_MEM_TYPE_BITS);
}

/* BARs never move: all ones starts a sizing probe, the boot value ends
 * it; anything else is refused. Nothing reaches the function. */
static void bar_write(struct pci_cfg_space *s, struct pci_vfunc *f, uint32_t reg, uint32_t value, uint32_t byte_mask)
{
    uint32_t i = (reg - PCI_REG_BAR0) / 4;
    uint32_t bits = bar_address_bits(f, i);
    uint32_t v = pci_merge(function_read32(s, f, reg), value, byte_mask);
    if ((v & bits) == bits)
        f->sizing |= (uint8_t)(1u << i);
    else if ((v & bits) == (f->bar[i] & bits))
        f->sizing &= (uint8_t)~(1u << i);
    else
        pci_refuse(s, "PCI %02x:%02x.%x: BAR%u write 0x%x refused: BARs stay where the firmware put them (0x%x)",
                   PCI_BDF_ARGS(f->guest), i, v, f->bar[i]);
}

static void function_write(struct pci_cfg_space *s, struct pci_vfunc *f, uint32_t reg, uint32_t value,
                           uint32_t byte_mask)
{
    if (reg == PCI_REG_COMMAND)
        command_write(s, f, value, byte_mask);
    else if (reg == PCI_REG_HEADER && (byte_mask & 3))
        pci_write_bytes(s, f, reg, value, byte_mask & 3); /* cache line size, latency timer; not BIST */
    else if (is_bar(reg))
        bar_write(s, f, reg, value, byte_mask);
    else if (reg == PCI_REG_INTERRUPT && (byte_mask & 1))
        f->line = (uint8_t)value; /* the OS's note to itself; the pin is the read-only byte beside it */
    else if (reg >= 0x40 && !pci_msi_write(s, f, reg, value, byte_mask))
        pci_write_bytes(s, f, reg, value, byte_mask);
    /* The rest of the header below 0x40 is read-only (IDs, class,
     * subsystem, capability pointer, min/max) or hidden (ROM BAR):
     * writes there change nothing, on hardware too. */
}

void pci_space_write(struct pci_cfg_space *s, uint16_t bdf, uint32_t reg, uint32_t offset, uint32_t size,
                     uint32_t value)
{
    uint32_t mask = pci_byte_mask(offset, size);
    uint32_t placed = (value & size_mask(size)) << (8 * offset);
    struct pci_vfunc *f = (bdf >> 8) == 0 ? pci_function_at(s, bdf) : NULL;
    if (!s->backend)
        return; /* an empty bus: no target, nobody to tell */
    if (f)
        function_write(s, f, reg, placed, mask);
    else if (bdf == PCI_BRIDGE_BDF && reg >= BRIDGE_CHIPSET_REGS)
        pci_refuse(s, "PCI 00:00.0 register 0x%x write 0x%x dropped: its host bridge is emulated", reg + offset,
                   value & size_mask(size));
    else if (bdf == PCI_BRIDGE_BDF)
        return; /* its header: a kernel sizes BARs it does not have and toggles decode; nothing changes, unlogged */
    else
        pci_refuse(s, "PCI %02x:%02x.%x register 0x%x write 0x%x refused: not one of its functions", PCI_BDF_ARGS(bdf),
                   reg + offset, value & size_mask(size));
}

/* A configuration write to a target without a function is dropped
 * (master abort), as is an ordinary I/O write of CONFIG_DATA. */
void pci_cfg_write(struct pci_cfg_space *s, uint16_t port, uint32_t size, uint32_t value)
{
    if (port == PCI_CFG_ADDRESS_PORT) {
        __atomic_store_n(&s->config_address, value, __ATOMIC_RELAXED);
        return;
    }
    uint32_t address = __atomic_load_n(&s->config_address, __ATOMIC_RELAXED);
    if (!(address & ADDRESS_ENABLE) || !s->backend)
        return;
    spin_lock(&s->lock);
    pci_space_write(s, ADDRESS_BDF(address), ADDRESS_REG(address), port - PCI_CFG_DATA_PORT, size, value);
    spin_unlock(&s->lock);
}
