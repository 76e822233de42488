/* Tests for hv/config_check.c: the demo scenario (configs/demo.c) passes;
 * each bad variant of it, with one defect, yields exactly one problem
 * whose message names the offending partitions and ranges; variants at
 * the edge of the rules stay valid. */
#include <string.h>

#include "hv/config.h"
#include "unit.h"
#include "config_capture.h"

#define RTOS 0 /* partition indices in configs/demo.c */
#define GPOS 1
#define HPET_BASE 0xFED00000ull /* rtos's mediated HPET region, mem[1] */
#define DEV_BASE 0xE0000000ull  /* a device page no rule is about */


static struct cfg_partition *part(struct hv_config *cfg, int i) { return &cfg->partitions[i]; }
static void add_io(struct hv_config *c, int i, struct cfg_io io) { part(c, i)->io[part(c, i)->io_count++] = io; }
static void add_mem(struct hv_config *c, int i, struct cfg_mem m) { part(c, i)->mem[part(c, i)->mem_count++] = m; }
static void add_board(struct hv_config *c, struct cfg_range r) { c->ram[c->ram_count++] = r; }

/* The demo config with the memory layout these cases were written for
 * (hypervisor [0, 64M), rtos [64M, 96M), gpos [128M, 256M)); the demo's
 * own layout (bigger, for Linux) is checked as it is in config_demo_valid. */
static struct hv_config demo(void)
{
    struct hv_config c = hv_config;
    c.hypervisor = (struct cfg_range){0, MiB(64)};
    c.partitions[RTOS].mem[0].host = MiB(64);
    c.partitions[GPOS].mem[0].host = MiB(128);
    c.partitions[GPOS].mem[0].size = MiB(128);
    return c;
}

/* Each mutator puts exactly one defect into a copy of the demo config. */
static void ram_overlap(struct hv_config *c) { part(c, GPOS)->mem[0].host = 0x5000000; }
static void ram_in_hv(struct hv_config *c) { part(c, RTOS)->mem[0].host = MiB(32); }
static void ram_off_board(struct hv_config *c) { part(c, GPOS)->mem[0].host = MiB(512); }
static void ram_over_hole(struct hv_config *c)
{
    add_board(c, (struct cfg_range){MiB(600), MiB(100)});
    part(c, GPOS)->mem[0].host = MiB(500); /* [500M, 628M): the hole [512M, 600M) inside */
}
static void ram_alias(struct hv_config *c) { add_mem(c, RTOS, (struct cfg_mem){CFG_MEM_RAM, MiB(64), MiB(80), MiB(16)}); }
static void cpu_twice(struct hv_config *c) { part(c, GPOS)->cpus = 3; }
static void cpu_beyond(struct hv_config *c) { part(c, RTOS)->cpus = 1u << 2; }
static void no_cpus(struct hv_config *c) { part(c, GPOS)->cpus = 0; }
static void port_twice(struct hv_config *c) { part(c, GPOS)->io[0] = (struct cfg_io){0x3EC, 8}; }
static void port_dup_own(struct hv_config *c) { add_io(c, GPOS, (struct cfg_io){0x3FF, 1}); }
static void port_com2(struct hv_config *c) { add_io(c, GPOS, (struct cfg_io){0x2FC, 2}); }
static void port_wrap(struct hv_config *c) { part(c, GPOS)->io[0] = (struct cfg_io){0xFFFC, 8}; }
static void port_empty(struct hv_config *c) { part(c, GPOS)->io[0].count = 0; }
static void pin_twice(struct hv_config *c) { part(c, GPOS)->ioapic_pins[0] = 20; }
static void pin_twice_own(struct hv_config *c) { part(c, RTOS)->ioapic_pins[1] = 20; }
static void pin_beyond(struct hv_config *c) { part(c, GPOS)->ioapic_pins[0] = 24; }
static void smt_siblings(struct hv_config *c) { c->threads_per_core = 2; } /* gpos CPU 0, rtos CPU 1: one core */
static void no_image(struct hv_config *c) { part(c, GPOS)->image = NULL; }
static void empty_image(struct hv_config *c) { part(c, RTOS)->image = ""; }
static void no_ram(struct hv_config *c) { part(c, GPOS)->mem_count = 0; }
static void ram_unaligned(struct hv_config *c) { part(c, RTOS)->mem[0].size = MiB(32) + 0x800; }
static void ram_empty(struct hv_config *c) { part(c, RTOS)->mem[0].size = 0; }
static void mem_bad_kind(struct hv_config *c)
{
    add_mem(c, RTOS, (struct cfg_mem){(enum cfg_mem_kind)7, DEV_BASE, DEV_BASE, 0x1000});
}
static void mmio_unaligned(struct hv_config *c) { part(c, RTOS)->mem[1].host = HPET_BASE + 0x10; }
static void mmio_shared(struct hv_config *c)
{
    add_mem(c, RTOS, (struct cfg_mem){CFG_MEM_MMIO, DEV_BASE, DEV_BASE, 0x1000});
    add_mem(c, GPOS, (struct cfg_mem){CFG_MEM_MMIO, DEV_BASE, DEV_BASE, 0x1000});
}
static void raw_mmio_at(struct hv_config *c, uint64_t host)
{
    add_mem(c, RTOS, (struct cfg_mem){CFG_MEM_MMIO, DEV_BASE, host, 0x1000});
}
static void mmio_in_hv(struct hv_config *c) { raw_mmio_at(c, MiB(1)); }
static void mmio_board(struct hv_config *c) { raw_mmio_at(c, MiB(300)); }
static void mmio_ioapic(struct hv_config *c) { raw_mmio_at(c, 0xFEC00000); }
static void mmio_lapic(struct hv_config *c) { raw_mmio_at(c, 0xFEE00000); }
static void mmio_msi_window(struct hv_config *c) { raw_mmio_at(c, 0xFEEFF000); }
static void mmio_hpet_raw(struct hv_config *c)
{
    part(c, RTOS)->mem[1].kind = CFG_MEM_MMIO; /* the pre-mediation demo: FSB writes anywhere */
    part(c, RTOS)->hpet_timers = 0;
}
static void hpet_not_page(struct hv_config *c)
{
    part(c, RTOS)->mem[1].host = part(c, RTOS)->mem[1].guest = HPET_BASE + 0x1000;
}
static void hpet_guest_moved(struct hv_config *c) { part(c, RTOS)->mem[1].guest = DEV_BASE; }
static void hpet_no_timers(struct hv_config *c) { part(c, RTOS)->hpet_timers = 0; }
static void hpet_timers_no_page(struct hv_config *c) { part(c, GPOS)->hpet_timers = 1u << 1; }
static void hpet_timer_twice(struct hv_config *c)
{
    add_mem(c, GPOS, part(c, RTOS)->mem[1]);
    part(c, GPOS)->hpet_timers = 1u << 0 | 1u << 2;
}
static void port_pci_config(struct hv_config *c) { add_io(c, GPOS, (struct cfg_io){0xCFC, 4}); }
static void port_reset_cf9(struct hv_config *c) { add_io(c, GPOS, (struct cfg_io){0xCF9, 1}); }
static void port_a20(struct hv_config *c) { add_io(c, GPOS, (struct cfg_io){0x90, 4}); }
static void port_kbc(struct hv_config *c) { add_io(c, GPOS, (struct cfg_io){0x60, 5}); }
static void port_nmi_mask(struct hv_config *c) { add_io(c, GPOS, (struct cfg_io){0x71, 1}); }
static void bind_serve_bad(struct hv_config *c) { part(c, GPOS)->rpc_serve[3] = "a/b"; }

static void guest_overlap(struct hv_config *c)
{
    add_mem(c, RTOS, (struct cfg_mem){CFG_MEM_RAM, MiB(16), MiB(96), MiB(16)});
}

static void mmio_over_ram(struct hv_config *c)
{
    add_mem(c, RTOS, (struct cfg_mem){CFG_MEM_MMIO, 0xE0000000, MiB(128), 0x1000});
}

static void mmio_over_guest_ram(struct hv_config *c)
{
    add_mem(c, RTOS, (struct cfg_mem){CFG_MEM_MMIO, MiB(8), DEV_BASE, 0x1000});
}

/* Renaming or unnaming gpos would also break rtos's bindings to it. */
static void dup_name(struct hv_config *c)
{
    part(c, GPOS)->name = "rtos";
    memset(part(c, RTOS)->rpc_bind, 0, sizeof part(c, RTOS)->rpc_bind);
}

static void empty_name(struct hv_config *c)
{
    part(c, GPOS)->name = "";
    memset(part(c, RTOS)->rpc_bind, 0, sizeof part(c, RTOS)->rpc_bind);
}

static void bind_no_slash(struct hv_config *c) { part(c, RTOS)->rpc_bind[0] = "gpos"; }
static void bind_no_part(struct hv_config *c) { part(c, RTOS)->rpc_bind[0] = "/echo"; }
static void bind_no_module(struct hv_config *c) { part(c, RTOS)->rpc_bind[0] = "gpos/"; }
static void bind_unknown(struct hv_config *c) { part(c, RTOS)->rpc_bind[0] = "nobody/echo"; }
static void bind_self(struct hv_config *c) { part(c, RTOS)->rpc_bind[1] = "rtos/echo"; }
static void bind_unserved(struct hv_config *c) { part(c, GPOS)->rpc_bind[1] = "rtos/nope"; }
static void bind_prefix(struct hv_config *c) { part(c, RTOS)->rpc_bind[0] = "gp/echo"; }

static void cpu_count_zero(struct hv_config *c) { c->cpu_count = 0; }
static void cpu_count_big(struct hv_config *c) { c->cpu_count = 65; }
static void parts_beyond(struct hv_config *c) { c->partition_count = CFG_MAX_PARTITIONS + 1; }
static void parts_none(struct hv_config *c) { c->partition_count = 0; }
static void board_beyond(struct hv_config *c) { c->ram_count = CFG_MAX_BOARD_RAM + 1; }
static void mem_beyond(struct hv_config *c) { part(c, RTOS)->mem_count = CFG_MAX_MEM + 1; }
static void io_beyond(struct hv_config *c) { part(c, GPOS)->io_count = CFG_MAX_IO + 1; }
static void pins_beyond(struct hv_config *c) { part(c, GPOS)->pin_count = CFG_MAX_PINS + 1; }
static void board_overlap(struct hv_config *c) { add_board(c, (struct cfg_range){MiB(500), MiB(100)}); }
static void add_pci(struct hv_config *c, int i, uint16_t host, uint16_t guest)
{
    part(c, i)->pci[part(c, i)->pci_count++] = (struct cfg_pci){host, guest};
}
static void pci_too_many(struct hv_config *c) { part(c, GPOS)->pci_count = CFG_MAX_PCI + 1; }
static void pci_host_twice(struct hv_config *c) { add_pci(c, RTOS, PCI_BDF(0, 2, 0), PCI_BDF(0, 2, 0)); }
static void pci_guest_twice(struct hv_config *c) { add_pci(c, GPOS, PCI_BDF(0, 5, 0), PCI_BDF(0, 2, 0)); }
static void pci_guest_bridge(struct hv_config *c) { add_pci(c, GPOS, PCI_BDF(0, 5, 0), 0); }
static void pci_guest_bus(struct hv_config *c) { add_pci(c, GPOS, PCI_BDF(0, 5, 0), PCI_BDF(1, 0, 0)); }
static void pci_guest_no_fn0(struct hv_config *c) { add_pci(c, GPOS, PCI_BDF(0, 5, 0), PCI_BDF(0, 6, 2)); }
static void dma_not_identity(struct hv_config *c) { part(c, GPOS)->dma = CFG_DMA_TRUSTED; }
static void ecam_unaligned(struct hv_config *c) { part(c, GPOS)->pci_ecam = 0xB0080000; }
static void ecam_wraps(struct hv_config *c) { part(c, GPOS)->pci_ecam = 0xFFFFFFFFFFF00000ull; }
static void ecam_over_ram(struct hv_config *c) { part(c, GPOS)->pci_ecam = MiB(100); }
static void ecam_over_mmio(struct hv_config *c)
{
    add_mem(c, RTOS, (struct cfg_mem){CFG_MEM_MMIO, DEV_BASE, DEV_BASE, 0x1000});
    part(c, RTOS)->pci_ecam = DEV_BASE;
}
static void ecam_over_ioapic(struct hv_config *c) { part(c, GPOS)->pci_ecam = 0xFEC00000; }
static void ecam_over_lapic(struct hv_config *c) { part(c, RTOS)->pci_ecam = 0xFEE00000; }
static void board_empty(struct hv_config *c) { add_board(c, (struct cfg_range){MiB(600), 0}); }
static void hv_wraps(struct hv_config *c) { c->hypervisor = (struct cfg_range){~0ull - 0xFFF, 0x2000}; }

static const struct bad_case {
    const char *what;
    void (*mutate)(struct hv_config *cfg);
    const char *expect[4]; /* substrings of the one message */
} bad_cases[] = {
    {"partitions on SMT siblings", smt_siblings,
     {"CPU 0 of partition 'gpos'", "CPU 1 of partition 'rtos'", "SMT siblings", "threads_per_core 2"}},
    {"host RAM overlap", ram_overlap,
     {"'rtos' RAM [0x4000000, 0x6000000)", "'gpos' RAM [0x5000000, 0xd000000)"}},
    {"host RAM twice in one partition", ram_alias,
     {"'rtos' RAM [0x4000000, 0x6000000)", "'rtos' RAM [0x5000000, 0x6000000)"}},
    {"RAM in hypervisor", ram_in_hv,
     {"'rtos' RAM [0x2000000, 0x4000000)", "hypervisor", "[0x0, 0x4000000)"}},
    {"RAM off board", ram_off_board, {"'gpos' RAM [0x20000000, 0x28000000)", "not inside board RAM"}},
    {"RAM over board hole", ram_over_hole, {"'gpos' RAM [0x1f400000, 0x27400000)", "not inside board RAM"}},
    {"CPU twice", cpu_twice, {"CPU 1 ", "'rtos'", "'gpos'"}},
    {"CPU beyond", cpu_beyond, {"'rtos'", "0x4", "cpu_count 2"}},
    {"no CPUs", no_cpus, {"'gpos' has no CPUs"}},
    {"port twice", port_twice, {"'rtos' port range [0x3e8, 0x3f0)", "'gpos' port range [0x3ec, 0x3f4)"}},
    {"port twice, one partition", port_dup_own,
     {"'gpos' port range [0x3f8, 0x400)", "'gpos' port range [0x3ff, 0x400)"}},
    {"COM2", port_com2, {"'gpos' port range [0x2fc, 0x2fe)", "COM2"}},
    {"ports wrap", port_wrap, {"'gpos' port range [0xfffc, 0x10004)", "0xFFFF"}},
    {"ports empty", port_empty, {"'gpos' port range [0x3f8, 0x3f8)", "empty"}},
    {"pin twice", pin_twice, {"pin 20 ", "'rtos'", "'gpos'"}},
    {"pin twice, one partition", pin_twice_own, {"'rtos'", "pin 20 twice"}},
    {"pin beyond 23", pin_beyond, {"'gpos'", "pin 24 "}},
    {"duplicate name", dup_name, {"#0", "#1", "'rtos'"}},
    {"empty name", empty_name, {"partition #1 has no name"}},
    {"no image", no_image, {"'gpos' has no image"}},
    {"empty image", empty_image, {"'rtos' has no image"}},
    {"no RAM", no_ram, {"'gpos' has no RAM"}},
    {"unaligned RAM", ram_unaligned, {"'rtos' RAM", "size 0x2000800", "aligned"}},
    {"empty RAM", ram_empty, {"'rtos' RAM", "empty"}},
    {"unknown kind", mem_bad_kind, {"'rtos' region (guest 0xe0000000", "unknown kind"}},
    {"unaligned HPET", mmio_unaligned, {"'rtos' HPET", "host 0xfed00010", "aligned"}},
    {"guest-side overlap", guest_overlap,
     {"'rtos' RAM at guest [0x0, 0x2000000)", "'rtos' RAM at guest [0x1000000, 0x2000000)"}},
    {"MMIO over RAM", mmio_over_ram,
     {"'rtos' MMIO [0x8000000, 0x8001000)", "'gpos' RAM [0x8000000, 0x10000000)"}},
    {"MMIO over guest RAM", mmio_over_guest_ram,
     {"'rtos' RAM at guest [0x0, 0x2000000)", "'rtos' MMIO at guest [0x800000, 0x801000)"}},
    {"MMIO shared", mmio_shared, {"'rtos' MMIO [0xe0000000, 0xe0001000)", "'gpos' MMIO [0xe0000000,"}},
    {"MMIO in hypervisor", mmio_in_hv, {"'rtos' MMIO [0x100000, 0x101000)", "hypervisor"}},
    {"raw MMIO over the IOAPIC", mmio_ioapic, {"'rtos' MMIO [0xfec00000, 0xfec01000)", "IOAPIC"}},
    {"raw MMIO over the LAPIC", mmio_lapic, {"'rtos' MMIO [0xfee00000, 0xfee01000)", "local APIC and MSI window"}},
    {"raw MMIO in the MSI window", mmio_msi_window, {"'rtos' MMIO [0xfeeff000, 0xfef00000)", "MSI window"}},
    {"raw HPET", mmio_hpet_raw, {"'rtos' MMIO [0xfed00000, 0xfed01000)", "the HPET", "CFG_MEM_HPET"}},
    {"HPET region not the HPET page", hpet_not_page, {"'rtos' HPET", "host 0xfed01000", "not the HPET page"}},
    {"HPET at another guest address", hpet_guest_moved, {"'rtos' HPET", "guest 0xe0000000", "not the HPET page"}},
    {"HPET page without comparators", hpet_no_timers, {"'rtos' has the HPET page but no comparators"}},
    {"HPET comparators without the page", hpet_timers_no_page, {"'gpos' has HPET comparators (hpet_timers 0x2)"}},
    {"HPET comparator twice", hpet_timer_twice, {"HPET comparator 0 ", "'rtos'", "'gpos'"}},
    {"PCI configuration ports", port_pci_config, {"'gpos' port range [0xcfc, 0xd00)", "PCI configuration"}},
    {"reset control port", port_reset_cf9, {"'gpos' port range [0xcf9, 0xcfa)", "reset control 0xcf9"}},
    {"fast A20 port", port_a20, {"'gpos' port range [0x90, 0x94)", "port 0x92"}},
    {"keyboard controller port", port_kbc, {"'gpos' port range [0x60, 0x65)", "0x64"}},
    {"NMI mask port", port_nmi_mask, {"'gpos' port range [0x71, 0x72)", "NMI mask"}},
    {"MMIO over free board RAM", mmio_board,
     {"'rtos' MMIO [0x12c00000, 0x12c01000)", "board RAM [0x100000,"}},
    {"bind without '/'", bind_no_slash, {"'rtos' rpc_bind 'gpos'", "partition/module"}},
    {"bind without partition", bind_no_part, {"'rtos' rpc_bind '/echo'", "partition/module"}},
    {"bind without module", bind_no_module, {"'rtos' rpc_bind 'gpos/'", "partition/module"}},
    {"bind unknown partition", bind_unknown, {"'rtos' rpc_bind 'nobody/echo'", "no existing partition"}},
    {"bind name prefix", bind_prefix, {"'rtos' rpc_bind 'gp/echo'", "no existing partition"}},
    {"bind self", bind_self, {"'rtos' rpc_bind 'rtos/echo'", "its own"}},
    {"bind unserved module", bind_unserved, {"'gpos' rpc_bind 'rtos/nope'", "does not serve"}},
    {"serve bad module name", bind_serve_bad, {"'gpos' rpc_serve 'a/b'"}},
    {"cpu_count 0", cpu_count_zero, {"cpu_count 0 "}},
    {"cpu_count 65", cpu_count_big, {"cpu_count 65 "}},
    {"partition_count beyond", parts_beyond, {"partition_count 9 "}},
    {"no partitions", parts_none, {"partition_count 0 "}},
    {"ram_count beyond", board_beyond, {"ram_count", "9 "}},
    {"mem_count beyond", mem_beyond, {"'rtos' mem_count 9 "}},
    {"io_count beyond", io_beyond, {"'gpos' io_count 17 "}},
    {"pin_count beyond", pins_beyond, {"'gpos' pin_count 25 "}},
    {"board RAM overlap", board_overlap,
     {"board RAM [0x1f400000, 0x25800000)", "board RAM [0x100000, 0x20000000)"}},
    {"board RAM empty", board_empty, {"board RAM 2 ", "empty"}},
    {"hypervisor range wraps", hv_wraps, {"hypervisor", "wraps"}},
    {"too many PCI functions", pci_too_many, {"partition 'gpos' pci_count 5 exceeds its array (4)"}},
    {"PCI function given twice", pci_host_twice,
     {"PCI function 00:02.0 is given to both partition 'rtos' and partition 'gpos'"}},
    {"guest BDF twice", pci_guest_twice, {"00:05.0 seen as 00:02.0", "given twice"}},
    {"guest BDF 00:00.0", pci_guest_bridge, {"seen as 00:00.0", "host bridge"}},
    {"guest BDF off bus 0", pci_guest_bus, {"seen as 01:00.0", "not on bus 0"}},
    {"guest function without function 0", pci_guest_no_fn0, {"seen as 00:06.2", "no function 0"}},
    {"ECAM window unaligned", ecam_unaligned,
     {"partition 'gpos' PCI ECAM window [0xb0080000, 0xb0180000) is not 1 MiB aligned"}},
    {"ECAM window wraps", ecam_wraps, {"partition 'gpos' PCI ECAM window", "end of the address space"}},
    {"ECAM window over its RAM", ecam_over_ram,
     {"partition 'gpos' PCI ECAM window [0x6400000, 0x6500000) overlaps its RAM at guest [0x0, 0x8000000)"}},
    {"ECAM window over its MMIO", ecam_over_mmio,
     {"partition 'rtos' PCI ECAM window [0xe0000000, 0xe0100000) overlaps its MMIO at guest [0xe0000000,"}},
    {"ECAM window over the IOAPIC", ecam_over_ioapic, {"'gpos' PCI ECAM window", "the IOAPIC page [0xfec00000,"}},
    {"ECAM window over the LAPIC", ecam_over_lapic, {"'rtos' PCI ECAM window", "local APIC and MSI window"}},
    {"dma trusted, RAM not identity", dma_not_identity,
     {"partition 'gpos' has dma trusted", "guest 0x0 is host 0x8000000", "guest == host"}},
};

static void fail_case(int line, const char *what, const char *detail, const char *msg)
{
    char m[640];
    snprintf(m, sizeof m, "case '%s': %s: \"%s\"", what, detail, msg);
    unit_fail(__FILE__, line, m);
}

static void run_bad_case(const struct bad_case *bc)
{
    struct hv_config cfg = demo();
    struct capture cap;
    bc->mutate(&cfg);
    int n = check(&cfg, &cap);
    if (n != 1) {
        char count[32];
        snprintf(count, sizeof count, "%d problems, want 1", n);
        fail_case(__LINE__, bc->what, count, n > 0 ? cap.msg[0] : "");
        for (int i = 1; i < n && i < CAPTURE_MAX_MSGS; i++)
            printf("    also: %s\n", cap.msg[i]);
        return;
    }
    for (int k = 0; k < 4 && bc->expect[k]; k++)
        if (!strstr(cap.msg[0], bc->expect[k]))
            fail_case(__LINE__, bc->what, bc->expect[k], cap.msg[0]);
}

TEST(config_demo_is_valid)
{
    struct capture cap;
    CHECK_EQ(check(&hv_config, &cap), 0);
    if (cap.count > 0)
        unit_fail(__FILE__, __LINE__, cap.msg[0]);
}

TEST(config_each_defect_reported_once)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++)
        run_bad_case(&bad_cases[i]);
}

TEST(config_message_format)
{
    struct hv_config cfg = demo();
    struct capture cap;
    cfg.partitions[RTOS].mem[0].host = 0x6000000;
    cfg.partitions[RTOS].mem[0].size = MiB(16);
    cfg.partitions[GPOS].mem[0].host = 0x4000000;
    cfg.partitions[GPOS].mem[0].size = MiB(64);
    CHECK_EQ(check(&cfg, &cap), 1);
    CHECK_STR(cap.msg[0], "partition 'rtos' RAM [0x6000000, 0x7000000) overlaps "
                          "partition 'gpos' RAM [0x4000000, 0x8000000)");
}

TEST(config_defects_add_up)
{
    struct hv_config cfg = demo();
    struct capture cap;
    no_image(&cfg);
    pin_beyond(&cfg);
    port_com2(&cfg);
    CHECK_EQ(check(&cfg, &cap), 3);
    CHECK_EQ(config_check(&cfg, NULL, NULL), 3); /* report is optional */
}

/* Variants at the edge of each rule, all valid. */
static void edge_cases(struct hv_config *c)
{
    struct cfg_partition *g = part(c, GPOS);
    c->cpu_count = 64;
    g->cpus |= 1ull << 63;
    c->threads_per_core = 2; /* cores {0, 1}, {2, 3} ... {62, 63}: rtos alone on core 1 */
    part(c, RTOS)->cpus = 1ull << 2;
    c->ram[1].size = MiB(255); /* board RAM [1M, 256M) + [256M, 512M): abutting */
    add_board(c, (struct cfg_range){MiB(256), MiB(256)});
    g->mem[0].size = MiB(160); /* [128M, 288M) spans both ranges */
    add_io(c, GPOS, (struct cfg_io){0xFFF8, 8}); /* up to 0xFFFF exactly */
    add_io(c, GPOS, (struct cfg_io){0x2F0, 8});  /* just below COM2 */
    add_io(c, GPOS, (struct cfg_io){0x300, 8});  /* just above COM2 */
    g->ioapic_pins[g->pin_count++] = 23;
    static const struct cfg_io beside[] = {{0xCF0, 8}, {0xD00, 8}, {0x91, 1}, {0x93, 1},
                                           {0x60, 4}, {0x65, 1}, {0x6F, 1}, {0x72, 2}};
    for (size_t k = 0; k < sizeof beside / sizeof beside[0]; k++)
        add_io(c, GPOS, beside[k]); /* around the machine-wide ports */
    add_mem(c, GPOS, part(c, RTOS)->mem[1]); /* the HPET page shared, comparators split */
    g->hpet_timers = 1u << 1 | 1u << 31;
    add_mem(c, GPOS, (struct cfg_mem){CFG_MEM_MMIO, 0xFEBFF000, 0xFEBFF000, 0x1000}); /* just below the IOAPIC */
    add_mem(c, GPOS, (struct cfg_mem){CFG_MEM_MMIO, 0xFEF00000, 0xFEF00000, 0x1000}); /* just above the MSI window */
    part(c, RTOS)->pci_ecam = 0xFEB00000;     /* ECAM window up to the IOAPIC page */
    g->pci_ecam = MiB(160);                   /* ... from the end of its RAM at guest [0, 160M) */
    add_mem(c, RTOS, (struct cfg_mem){CFG_MEM_RAM, MiB(32), MiB(96), MiB(32)}); /* guest and host abut */
    for (int k = 0; k < CFG_MAX_RPC; k++)
        g->rpc_serve[k] = k == 2 ? "net" : k % 2 ? "echo" : "sysinfo"; /* full array, no NULL */
}

TEST(config_dma_trusted_identity_is_valid)
{
    struct hv_config cfg = demo();
    struct capture cap;
    struct cfg_partition *g = part(&cfg, GPOS);
    g->dma = CFG_DMA_TRUSTED;
    g->mem[0].guest = g->mem[0].host; /* guest == host: what DMA needs */
    add_pci(&cfg, GPOS, PCI_BDF(0, 5, 0), PCI_BDF(0, 2, 1)); /* beside its 00:02.0 */
    CHECK_EQ(check(&cfg, &cap), 0);
    for (int i = 0; i < cap.count && i < CAPTURE_MAX_MSGS; i++)
        unit_fail(__FILE__, __LINE__, cap.msg[i]);
}

/* configs/dma.c's layout: one partition trusted with DMA, its RAM
 * identity mapped around the hypervisor's [2M, 64M): low memory from
 * 4 KiB (the loader's multiboot info at 0x1000), [1M, 2M) for its kernel
 * and [64M, 128M). */
static struct hv_config dma_layout(void)
{
    struct hv_config c = demo();
    c.partition_count = 1;
    c.partitions[0] = c.partitions[GPOS];
    struct cfg_partition *p = part(&c, 0);
    p->name = "dma";
    p->dma = CFG_DMA_TRUSTED;
    p->pin_count = 0;
    p->rpc_bind[0] = NULL;
    p->mem_count = 3;
    p->mem[0] = (struct cfg_mem){CFG_MEM_RAM, 0x1000, 0x1000, 0x9E000};
    p->mem[1] = (struct cfg_mem){CFG_MEM_RAM, MiB(1), MiB(1), MiB(1)};
    p->mem[2] = (struct cfg_mem){CFG_MEM_RAM, MiB(64), MiB(64), MiB(64)};
    c.hypervisor = (struct cfg_range){MiB(2), MiB(62)};
    return c;
}

TEST(config_dma_layout_is_valid)
{
    struct hv_config cfg = dma_layout();
    struct capture cap;
    CHECK_EQ(check(&cfg, &cap), 0);
    for (int i = 0; i < cap.count && i < CAPTURE_MAX_MSGS; i++)
        unit_fail(__FILE__, __LINE__, cap.msg[i]);
}

/* One region of three moved: that one is named, the others are not. */
TEST(config_dma_one_region_not_identity)
{
    struct hv_config cfg = dma_layout();
    struct capture cap;
    part(&cfg, 0)->mem[2].host = MiB(128);
    CHECK_EQ(check(&cfg, &cap), 1);
    CHECK(strstr(cap.msg[0], "partition 'dma' has dma trusted") != NULL);
    CHECK(strstr(cap.msg[0], "RAM at guest 0x4000000 is host 0x8000000") != NULL);
    CHECK(strstr(cap.msg[0], "guest == host") != NULL);
}

/* The same layout with the hypervisor keeping low memory, as the demo's
 * does: the partition's low regions are then the hypervisor's. */
TEST(config_dma_low_ram_in_hypervisor)
{
    struct hv_config cfg = dma_layout();
    struct capture cap;
    cfg.hypervisor = (struct cfg_range){0, MiB(64)};
    CHECK_EQ(check(&cfg, &cap), 2);
    CHECK(strstr(cap.msg[0], "'dma' RAM [0x1000, 0x9f000) overlaps the hypervisor's RAM") != NULL);
    CHECK(strstr(cap.msg[1], "'dma' RAM [0x100000, 0x200000) overlaps the hypervisor's RAM") != NULL);
}

TEST(config_edges_are_valid)
{
    struct hv_config cfg = demo();
    struct capture cap;
    edge_cases(&cfg);
    CHECK_EQ(check(&cfg, &cap), 0);
    for (int i = 0; i < cap.count && i < CAPTURE_MAX_MSGS; i++)
        unit_fail(__FILE__, __LINE__, cap.msg[i]);
}

TEST(config_mmio_conflict_with_machine_ranges)
{
    static const struct cfg_forbidden machine[] = {
        {0xE0000000, MiB(256), "the PCIe ECAM window (MCFG)"},
        {0xFED90000, 0x1000, "a DMA-remapping unit (DMAR)"},
        {0xFFFC0000, 0x40000, "firmware-reserved memory (memory map type 2)"},
    };
    struct hv_config cfg = demo();
    struct cfg_partition *g = part(&cfg, GPOS);
    char msg[200] = "";
    CHECK(!config_mmio_conflict(part(&cfg, RTOS), machine, 3, msg, sizeof msg)); /* its HPET is mediated */
    add_mem(&cfg, GPOS, (struct cfg_mem){CFG_MEM_MMIO, 0xD0000000, 0xD0000000, 0x1000});
    CHECK(!config_mmio_conflict(g, machine, 3, msg, sizeof msg));
    add_mem(&cfg, GPOS, (struct cfg_mem){CFG_MEM_MMIO, 0xEFFFF000, 0xEFFFF000, 0x2000});
    CHECK(config_mmio_conflict(g, machine, 3, msg, sizeof msg));
    CHECK_STR(msg, "MMIO [0xeffff000, 0xf0001000) overlaps the PCIe ECAM window (MCFG) [0xe0000000, 0xf0000000)");
    g->mem[g->mem_count - 1] = (struct cfg_mem){CFG_MEM_MMIO, 0xFED90000, 0xFED90000, 0x1000};
    CHECK(config_mmio_conflict(g, machine, 3, msg, sizeof msg));
    CHECK(strstr(msg, "DMA-remapping unit") != NULL);
    g->mem[g->mem_count - 1] = (struct cfg_mem){CFG_MEM_MMIO, 0xFFFFF000, 0xFFFFF000, 0x1000};
    CHECK(config_mmio_conflict(g, machine, 3, msg, sizeof msg));
    CHECK(strstr(msg, "firmware-reserved memory") != NULL);
}
