/* PCI functions given to partitions at boot (hv/pci_assign.h). */
#include "hv/pci_assign.h"

#include "arch/x86/partition_acpi.h"
#include "arch/x86/platform.h"
#include "drivers/pci_conf1.h"
#include "drivers/pci_ecam.h"
#include "hv/console.h"
#include "hv/fmt.h"
#include "vmx/ept.h"

#define NO_LINE 0xFF /* Interrupt Line: "unknown or no connection" (PCI 3.0 6.2.4) */
#define IOAPIC_PINS 24
#define PIN_NAME(pin) (char)('A' + (pin) - 1)
/* Device pages no BAR may overlap (where hv/config_check.c puts them). */
#define IOAPIC_PAGE 0xFEC00000ull
#define HPET_PAGE 0xFED00000ull
#define LAPIC_WINDOW 0xFEE00000ull
#define LAPIC_WINDOW_SIZE 0x100000ull

struct granted {
    uint32_t io_count, mem_count;
    struct cfg_io io[PCI_MAX_IO_BARS];
    struct cfg_range mem[PCI_MAX_IO_BARS];
};

static struct pci_cfg_space spaces[CFG_MAX_PARTITIONS];
static struct granted granted[CFG_MAX_PARTITIONS];

static uint32_t conf1_read(void *ctx, uint16_t bdf, uint32_t reg, uint32_t size)
{
    (void)ctx;
    return pci_conf1_read(bdf, reg, size);
}

static void conf1_write(void *ctx, uint16_t bdf, uint32_t reg, uint32_t size, uint32_t value)
{
    (void)ctx;
    pci_conf1_write(bdf, reg, size, value);
}

static void log_refusal(void *ctx, const char *msg) { printk("%s: %s", (const char *)ctx, msg); }

/* Extended registers from the machine's ECAM (0 where it has none). */
static uint32_t ecam_read_ext(void *ctx, uint16_t bdf, uint32_t reg, uint32_t size)
{
    (void)ctx;
    return pci_ecam_read(bdf, reg, size);
}

static struct pci_cfg_backend backends[CFG_MAX_PARTITIONS];

struct pci_cfg_space *pci_space_of(const struct partition *p) { return &spaces[p->id]; }

bool pci_owns_port(const struct partition *p, uint16_t port)
{
    const struct granted *g = &granted[p->id];
    for (uint32_t i = 0; i < g->io_count; i++)
        if (port >= g->io[i].base && port - g->io[i].base < g->io[i].count)
            return true;
    return false;
}

uint32_t pci_partition_io(const struct partition *p, struct cfg_io *io)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->cfg->io_count; i++)
        io[n++] = p->cfg->io[i];
    for (uint32_t i = 0; i < granted[p->id].io_count; i++)
        io[n++] = granted[p->id].io[i];
    return n;
}

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs) { return a < b + bs && b < a + as; }

/* What a memory BAR must not overlap: RAM, the hypervisor, any
 * partition's regions, the interrupt controllers' and HPET's pages. */
static const char *memory_conflict(uint64_t base, uint64_t size)
{
    for (uint32_t i = 0; i < hv_config.ram_count; i++)
        if (overlaps(base, size, hv_config.ram[i].base, hv_config.ram[i].size))
            return "board RAM";
    if (overlaps(base, size, hv_config.hypervisor.base, hv_config.hypervisor.size))
        return "the hypervisor's memory";
    for (uint32_t i = 0; i < hv_config.partition_count; i++)
        for (uint32_t m = 0; m < hv_config.partitions[i].mem_count; m++) {
            const struct cfg_mem *r = &hv_config.partitions[i].mem[m];
            if (overlaps(base, size, r->host, r->size))
                return "a partition's memory region";
        }
    if (overlaps(base, size, IOAPIC_PAGE, 0x1000) || overlaps(base, size, HPET_PAGE, 0x1000) ||
        overlaps(base, size, LAPIC_WINDOW, LAPIC_WINDOW_SIZE))
        return "the IOAPIC, HPET or LAPIC/MSI window";
    return NULL;
}

/* An I/O BAR becomes the partition's ports when nobody else has them. */
static bool grant_io(struct partition *p, const struct pci_vfunc *f, uint32_t i, const struct pci_bar *b, char *err,
                     size_t errlen)
{
    struct granted *g = &granted[p->id];
    for (uint64_t port = b->base; port < b->base + b->size; port++) {
        const char *owner = port > 0xFFFF ? "nobody (past 0xFFFF)" : port_owner((uint16_t)port);
        if (owner || (port >= PCI_CFG_ADDRESS_PORT && port < PCI_CFG_DATA_PORT + 4)) {
            fmt_snprintf(err, errlen, "PCI %02x:%02x.%x BAR%u I/O [0x%lx, 0x%lx): port 0x%lx is %s's", PCI_BDF_ARGS(f->host),
                         i, b->base, b->base + b->size, port, owner ? owner : "configuration space");
            return false;
        }
    }
    g->io[g->io_count++] = (struct cfg_io){(uint16_t)b->base, (uint16_t)b->size};
    printk("pci: %02x:%02x.%x BAR%u I/O [0x%lx, 0x%lx) -> %s", PCI_BDF_ARGS(f->host), i, b->base, b->base + b->size,
           p->cfg->name);
    return true;
}

static bool grant_memory(struct partition *p, const struct pci_vfunc *f, uint32_t i, const struct pci_bar *b,
                         char *err, size_t errlen)
{
    const char *what = (b->base | b->size) & 0xFFF ? "not page aligned (it would share a page with another device)"
                                                   : memory_conflict(b->base, b->size);
    for (uint32_t k = 0; !what && k < hv_config.partition_count; k++)
        for (uint32_t m = 0; m < granted[k].mem_count; m++)
            if (overlaps(b->base, b->size, granted[k].mem[m].base, granted[k].mem[m].size))
                what = "another function's BAR";
    if (!what && p->cfg->pci_ecam && overlaps(b->base, b->size, p->cfg->pci_ecam, PCI_ECAM_BUS_BYTES))
        what = "its PCI ECAM window (mapped guest == host, the BAR would hide it)";
    if (what) {
        fmt_snprintf(err, errlen, "PCI %02x:%02x.%x BAR%u memory [0x%lx, 0x%lx) overlaps %s", PCI_BDF_ARGS(f->host), i,
                     b->base, b->base + b->size, what);
        return false;
    }
    struct granted *g = &granted[p->id];
    g->mem[g->mem_count++] = (struct cfg_range){b->base, b->size};
    printk("pci: %02x:%02x.%x BAR%u memory [0x%lx, 0x%lx) -> %s (uncached, guest == host)", PCI_BDF_ARGS(f->host), i,
           b->base, b->base + b->size, p->cfg->name);
    return true;
}

static bool grant_bars(struct partition *p, const struct pci_vfunc *f, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < PCI_CFG_BARS; i++) {
        struct pci_bar b = pci_vfunc_bar(f, i);
        if (b.hidden)
            printk("pci: %02x:%02x.%x BAR%u hidden from %s: bus-master (DMA) registers, and it has dma none",
                   PCI_BDF_ARGS(f->host), i, p->cfg->name);
        if (b.legacy) { /* the channel's fixed ports, its own by its config: nothing to grant */
            printk("pci: %02x:%02x.%x BAR%u I/O [0x%lx, 0x%lx) shown to %s: the channel's legacy ports",
                   PCI_BDF_ARGS(f->host), i, b.base, b.base + b.size, p->cfg->name);
            continue;
        }
        if (b.kind == PCI_BAR_IO && !grant_io(p, f, i, &b, err, errlen))
            return false;
        if ((b.kind == PCI_BAR_MEM32 || b.kind == PCI_BAR_MEM64) && !grant_memory(p, f, i, &b, err, errlen))
            return false;
    }
    return true;
}

/* Whether p owns all of an IDE channel's legacy ports (its config). */
static bool owns_ide_channel(const struct partition *p, const struct pci_ide_legacy *c)
{
    for (uint16_t port = c->command; port < c->command + 8; port++)
        if (!partition_owns_port(p, port))
            return false;
    return partition_owns_port(p, c->control);
}

/* An IDE controller in compatibility mode: its channels' interrupts are
 * ISA IRQs 14 and 15, which Linux on the partition's hardware-reduced
 * ACPI cannot request (no legacy IRQs). The channel whose ports the
 * partition owns is shown in native mode instead, its IRQ as INTA
 * (pci_ide_show_native); the other one as absent. Owning both, it stays
 * in compatibility mode: two IRQs cannot share one INTx pin. */
static void ide_view(const struct partition *p, struct pci_vfunc *f)
{
    if (!pci_ide_is_compat(f))
        return;
    int channel = -1;
    uint32_t owned = 0;
    for (int ch = 0; ch < PCI_IDE_CHANNELS; ch++)
        if (owns_ide_channel(p, &pci_ide_legacy[ch]))
            channel = ch, owned++;
    if (owned == PCI_IDE_CHANNELS) {
        printk("pci: %02x:%02x.%x left in IDE compatibility mode: %s owns both channels, so its OS needs legacy "
               "IRQs (14, 15)", PCI_BDF_ARGS(f->host), p->cfg->name);
        return;
    }
    pci_ide_show_native(f, channel);
    if (channel < 0)
        printk("pci: %02x:%02x.%x shown to %s in IDE native mode without channels: it owns neither's ports",
               PCI_BDF_ARGS(f->host), p->cfg->name);
    else
        printk("pci: %02x:%02x.%x shown to %s in IDE native mode: its %s channel at the legacy ports, INTA on line %u",
               PCI_BDF_ARGS(f->host), p->cfg->name, channel ? "secondary" : "primary", f->line);
}

/* The IOAPIC input an ISA IRQ number arrives on (ACPI MADT overrides). */
static uint32_t gsi_of(uint32_t irq)
{
    for (uint32_t i = 0; i < platform.acpi.override_count; i++)
        if (platform.acpi.overrides[i].bus_irq == irq)
            return platform.acpi.overrides[i].gsi;
    return irq;
}

/* A function's INTx line must be one of the partition's pins, or (for a
 * function the partition polls) nobody's: a line another partition owns
 * would let this device interrupt it (or share its level-triggered
 * line), whatever the driver does. */
static bool check_intx(const struct partition *p, const struct pci_vfunc *f, char *err, size_t errlen)
{
    if (!f->interrupt_pin)
        return true;
    uint32_t line = f->line;
    if (line == NO_LINE || gsi_of(line) >= IOAPIC_PINS) {
        printk("pci: %02x:%02x.%x INT%c has no IOAPIC input (line %u): %s polls it", PCI_BDF_ARGS(f->host),
               PIN_NAME(f->interrupt_pin), line, p->cfg->name);
        return true;
    }
    uint32_t gsi = gsi_of(line);
    if (partition_owns_pin(p, gsi)) {
        printk("pci: %02x:%02x.%x INT%c -> IOAPIC pin %u, %s's", PCI_BDF_ARGS(f->host), PIN_NAME(f->interrupt_pin), gsi,
               p->cfg->name);
        return true;
    }
    for (uint32_t i = 0; i < partition_count; i++)
        if (partition_owns_pin(&partition_table[i], gsi)) {
            fmt_snprintf(err, errlen, "PCI %02x:%02x.%x INT%c is IOAPIC pin %u, which belongs to %s",
                         PCI_BDF_ARGS(f->host), PIN_NAME(f->interrupt_pin), gsi, partition_table[i].label);
            return false;
        }
    printk("pci: %02x:%02x.%x INT%c -> IOAPIC pin %u, nobody's (masked): %s polls it", PCI_BDF_ARGS(f->host),
           PIN_NAME(f->interrupt_pin), gsi, p->cfg->name);
    return true;
}

/* Where its functions' extended registers come from, said once. */
static void attach_ecam(const struct partition *p, const struct pci_vfunc *f)
{
    if (pci_ecam_attach(f->host))
        printk("pci: %02x:%02x.%x extended registers (0x100-0xfff) -> %s from the machine's ECAM", PCI_BDF_ARGS(f->host),
               p->cfg->name);
    else
        printk("pci: %02x:%02x.%x extended registers read 0 in %s: no MCFG window of the board covers it",
               PCI_BDF_ARGS(f->host), p->cfg->name);
}

static bool assign(struct partition *p, char *err, size_t errlen)
{
    const struct cfg_partition *c = p->cfg;
    if (c->pci_ecam)
        printk("%s: PCI ECAM window [0x%lx, 0x%lx) for its bus 0, emulated", c->name, c->pci_ecam,
               c->pci_ecam + PCI_ECAM_BUS_BYTES);
    if (!c->pci_count)
        return true; /* its bus stays empty, without a host bridge */
    struct pci_cfg_space *s = &spaces[p->id];
    backends[p->id] = (struct pci_cfg_backend){conf1_read, conf1_write, log_refusal, (void *)p->label, ecam_read_ext};
    pci_cfg_init(s, &backends[p->id], c->dma == CFG_DMA_TRUSTED, p->apic_ids, p->cpu_count);
    if (c->dma == CFG_DMA_TRUSTED)
        printk("%s: its PCI functions may do DMA: without an IOMMU they can reach all memory", c->name);
    for (uint32_t k = 0; k < c->pci_count && k < CFG_MAX_PCI; k++) {
        const struct cfg_pci *a = &c->pci[k];
        if (!pci_cfg_add_function(s, a->host, a->guest, err, errlen))
            return false;
        struct pci_vfunc *f = &s->fn[s->fn_count - 1];
        printk("pci: %02x:%02x.%x %04x:%04x class %04x -> %s as %02x:%02x.%x", PCI_BDF_ARGS(a->host), f->id & 0xFFFF,
               f->id >> 16, f->class_rev >> 16, c->name, PCI_BDF_ARGS(a->guest));
        ide_view(p, f);
        if (!grant_bars(p, f, err, errlen) || !check_intx(p, f, err, errlen))
            return false;
        if (c->pci_ecam)
            attach_ecam(p, f);
    }
    return true;
}

/* Its functions' INTx wires that reach its own pins, one per device and
 * pin (what a _PRT can say: two functions of one device sharing a pin
 * share its wire). */
static void describe_routes(const struct partition *p, const struct pci_cfg_space *s, struct pacpi_board *b)
{
    for (uint32_t i = 0; i < s->fn_count; i++) {
        const struct pci_vfunc *f = &s->fn[i];
        uint32_t gsi = gsi_of(f->line), device = (f->guest >> 3) & 0x1F, pin = f->interrupt_pin - 1u;
        if (!f->interrupt_pin || f->interrupt_pin > 4 || f->line == NO_LINE || !partition_owns_pin(p, gsi))
            continue; /* no wire, or a polled function */
        bool known = false;
        for (uint32_t k = 0; k < b->pci_route_count; k++)
            known |= b->pci_routes[k].device == device && b->pci_routes[k].pin == pin;
        if (!known && b->pci_route_count < PACPI_MAX_PCI_ROUTES)
            b->pci_routes[b->pci_route_count++] = (struct pacpi_pci_route){(uint8_t)device, (uint8_t)pin, gsi};
    }
}

void pci_describe_board(const struct partition *p, struct pacpi_board *b)
{
    const struct pci_cfg_space *s = &spaces[p->id];
    b->has_pci = s->fn_count > 0;
    b->pci_ecam = p->cfg->pci_ecam;
    b->pci_route_count = 0;
    describe_routes(p, s, b);
}

/* A partition that does not start keeps no port, page or function. */
bool pci_assign_partition(struct partition *p, char *err, size_t errlen)
{
    if (assign(p, err, errlen))
        return true;
    granted[p->id] = (struct granted){0};
    spaces[p->id] = (struct pci_cfg_space){0};
    return false;
}

bool pci_map_bars(struct partition *p, char *err, size_t errlen)
{
    const struct granted *g = &granted[p->id];
    for (uint32_t i = 0; i < g->mem_count; i++)
        if (pt_map(&p->ept, g->mem[i].base, g->mem[i].base, g->mem[i].size, ept_region_flags(CFG_MEM_MMIO)) != 0) {
            fmt_snprintf(err, errlen, "cannot map memory BAR [0x%lx, 0x%lx) into its EPT", g->mem[i].base,
                         g->mem[i].base + g->mem[i].size);
            return false;
        }
    return true;
}
