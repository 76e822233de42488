/* PCI configuration mechanism #1 of a partition without functions
 * (hv/pci_cfg.c): what Linux's probes (arch/x86/pci/direct.c) and the
 * early scans see. */
#include "hv/pci_cfg.h"
#include "tests/unit/unit.h"

TEST(config_address_latches_dwords_and_reads_back)
{
    struct pci_cfg_space s = {0};
    CHECK_EQ(pci_cfg_read(&s, 0xCF8, 4), 0); /* reset value */
    pci_cfg_write(&s, 0xCF8, 4, 0x80000000u);
    CHECK_EQ(pci_cfg_read(&s, 0xCF8, 4), 0x80000000u);
    pci_cfg_write(&s, 0xCF8, 4, 0x80FFF8FCu); /* bus 255, device 31, function 0, register 0xFC */
    CHECK_EQ(pci_cfg_read(&s, 0xCF8, 4), 0x80FFF8FCu);
    pci_cfg_write(&s, 0xCF8, 4, 0x7F000003u); /* reserved bits kept, as Bochs's and QEMU's i440FX do */
    CHECK_EQ(pci_cfg_read(&s, 0xCF8, 4), 0x7F000003u);
}

TEST(config_data_reads_all_ones_in_every_size)
{
    struct pci_cfg_space s = {0};
    for (uint32_t dev = 0; dev < 32; dev++) {
        pci_cfg_write(&s, 0xCF8, 4, 0x80000000u | dev << 11);
        CHECK_EQ(pci_cfg_read(&s, 0xCFC, 4), 0xFFFFFFFFu);
        CHECK_EQ(pci_cfg_read(&s, 0xCFE, 2), 0xFFFF);
        CHECK_EQ(pci_cfg_read(&s, 0xCFF, 1), 0xFF);
    }
    pci_cfg_write(&s, 0xCF8, 4, 0); /* enable bit clear: an ordinary I/O read, no device either */
    CHECK_EQ(pci_cfg_read(&s, 0xCFC, 4), 0xFFFFFFFFu);
}

TEST(config_data_writes_are_dropped)
{
    struct pci_cfg_space s = {0};
    pci_cfg_write(&s, 0xCF8, 4, 0x80000004u);
    pci_cfg_write(&s, 0xCFC, 4, 0x00000007u); /* command register: no function takes it */
    pci_cfg_write(&s, 0xCFD, 1, 0x12);
    CHECK_EQ(pci_cfg_read(&s, 0xCFC, 4), 0xFFFFFFFFu);
    CHECK_EQ(pci_cfg_read(&s, 0xCF8, 4), 0x80000004u); /* the latch is untouched */
}

TEST(byte_and_word_accesses_at_config_address_are_not_the_mechanism)
{
    /* Linux's type-1 probe writes a byte to 0xCFB first; its type-2 probe
     * writes bytes to 0xCF8 and 0xCFA and reads them back (0 = type 2):
     * none of those are configuration accesses, so they reach no device
     * (the caller answers all ones) and leave the latch alone. */
    CHECK(!pci_cfg_handles(0xCF8, 1));
    CHECK(!pci_cfg_handles(0xCF8, 2));
    CHECK(!pci_cfg_handles(0xCFA, 1));
    CHECK(!pci_cfg_handles(0xCFB, 1));
    CHECK(!pci_cfg_handles(0xCF9, 1)); /* the reset control register of Intel chipsets: not emulated here */
    CHECK(!pci_cfg_handles(0xCFA, 4));
    CHECK(pci_cfg_handles(0xCF8, 4));
    for (uint16_t port = 0xCFC; port <= 0xCFF; port++) {
        CHECK(pci_cfg_handles(port, 1));
        CHECK(pci_cfg_handles(port, 2));
        CHECK(pci_cfg_handles(port, 4));
    }
    CHECK(!pci_cfg_handles(0xCF7, 4));
    CHECK(!pci_cfg_handles(0xD00, 1));
}

/* ------------------------------------------------ a space with functions */

#include <string.h>

#include "tests/unit/pci_fake.h"

#define IDE PCI_BDF(0, 1, 1)
#define NIC PCI_BDF(0, 2, 0)
#define OTHER PCI_BDF(0, 3, 0)
#define G_IDE PCI_BDF(0, 1, 0)
#define G_NIC PCI_BDF(0, 2, 0)

static struct fake_machine m;
static struct pci_cfg_space sp;
static const uint32_t cpus[] = {0, 2};

static uint32_t cfg_rd(uint16_t bdf, uint32_t reg, uint32_t size)
{
    pci_cfg_write(&sp, 0xCF8, 4, 0x80000000u | (uint32_t)bdf << 8 | (reg & 0xFC));
    return pci_cfg_read(&sp, (uint16_t)(0xCFC + (reg & 3)), size);
}

static void cfg_wr(uint16_t bdf, uint32_t reg, uint32_t size, uint32_t v)
{
    pci_cfg_write(&sp, 0xCF8, 4, 0x80000000u | (uint32_t)bdf << 8 | (reg & 0xFC));
    pci_cfg_write(&sp, (uint16_t)(0xCFC + (reg & 3)), size, v);
}

/* The demo machine: a 440FX, a PIIX3 IDE in legacy mode with bus
 * mastering (BAR4 I/O 16 bytes), an NE2000 (BAR0 I/O 32 bytes, INTA on
 * line 9) and a device nobody is given. */
static struct fake_fn *ide, *nic;
static void machine(bool dma)
{
    fake_init(&m);
    fake_add(&m, 0, 0x12378086, 0x06000002);
    ide = fake_add(&m, IDE, 0x70108086, 0x01018000);
    fake_bar(ide, 4, 0xC001, 16);
    ide->cfg[4] |= 0x04; /* the firmware left bus mastering on */
    nic = fake_add(&m, NIC, 0x802910EC, 0x02000000);
    fake_bar(nic, 0, 0xC041, 32);
    nic->cfg[0x3C] = 9;
    nic->cfg[0x3D] = 1;
    fake_add(&m, OTHER, 0xEFEFFEFE, 0x02000000);
    pci_cfg_init(&sp, &m.backend, dma, cpus, 2);
    char why[160];
    CHECK(pci_cfg_add_function(&sp, IDE, G_IDE, why, sizeof why));
    CHECK(pci_cfg_add_function(&sp, NIC, G_NIC, why, sizeof why));
}

TEST(host_bridge_and_own_functions_only)
{
    machine(false);
    CHECK_EQ(cfg_rd(0, 0, 4), 0x12378086);
    CHECK_EQ(cfg_rd(0, 8, 4) >> 16, 0x0600);
    CHECK_EQ(cfg_rd(0, 0x10, 4), 0); /* nothing else */
    CHECK_EQ(cfg_rd(G_IDE, 0, 4), 0x70108086);
    CHECK_EQ(cfg_rd(G_NIC, 0, 2), 0x10EC);
    CHECK_EQ(cfg_rd(OTHER, 0, 4), 0xFFFFFFFFu); /* on the machine, not its own */
    CHECK_EQ(cfg_rd(PCI_BDF(0, 1, 1), 0, 4), 0xFFFFFFFFu); /* the IDE's host address */
    CHECK_EQ(cfg_rd(PCI_BDF(1, 0, 0), 0, 4), 0xFFFFFFFFu);
    CHECK_EQ(cfg_rd(G_IDE, 0xC, 4) >> 16 & 0x80, 0); /* a lone function */
    CHECK_EQ(m.msg_count, 0);
}

TEST(host_bridge_identity_when_machine_has_none)
{
    fake_init(&m);
    pci_cfg_init(&sp, &m.backend, false, cpus, 1);
    CHECK_EQ(cfg_rd(0, 0, 4), 0x12378086); /* a plain 440FX */
    cfg_wr(0, 4, 2, 7);
    CHECK_EQ(cfg_rd(0, 4, 4), 0);
    cfg_wr(0, 0x10, 4, 0xFFFFFFFFu); /* sizing a BAR it does not have, as Linux does */
    CHECK_EQ(cfg_rd(0, 0x10, 4), 0);
    cfg_wr(0, 0x10, 4, 0);
    CHECK_EQ(m.msg_count, 0); /* header writes change nothing and are not logged */
    cfg_wr(0, 0x59, 1, 0x30); /* a PAM register: an attempt on the chipset */
    CHECK_EQ(cfg_rd(0, 0x58, 4), 0);
    CHECK_STR(fake_last_msg(&m), "PCI 00:00.0 register 0x59 write 0x30 dropped: its host bridge is emulated");
}

TEST(bar_sizing_answered_without_touching_the_device)
{
    machine(false);
    uint32_t before = nic->bar_writes;
    CHECK_EQ(cfg_rd(G_NIC, 0x10, 4), 0xC041);
    cfg_wr(G_NIC, 0x10, 4, 0xFFFFFFFFu);
    CHECK_EQ(cfg_rd(G_NIC, 0x10, 4), 0xFFFFFFE1u); /* 32 bytes of I/O */
    CHECK_EQ(cfg_rd(G_NIC, 0x10, 2), 0xFFE1);
    cfg_wr(G_NIC, 0x10, 4, 0xC041);
    CHECK_EQ(cfg_rd(G_NIC, 0x10, 4), 0xC041);
    CHECK_EQ(nic->bar_writes, before);
    CHECK_EQ(fake_get(nic, 0x10, 4), 0xC041);
    cfg_wr(G_NIC, 0x14, 4, 0xFFFFFFFFu); /* unimplemented BAR: sizes to 0 */
    CHECK_EQ(cfg_rd(G_NIC, 0x14, 4), 0);
    CHECK_EQ(m.msg_count, 0);
    struct pci_bar b = pci_vfunc_bar(&sp.fn[1], 0);
    CHECK_EQ(b.kind, PCI_BAR_IO);
    CHECK_EQ(b.base, 0xC040);
    CHECK_EQ(b.size, 32);
    CHECK_EQ(pci_vfunc_bar(&sp.fn[1], 1).kind, PCI_BAR_NONE);
}

TEST(bar_move_refused_and_logged)
{
    machine(false);
    cfg_wr(G_NIC, 0x10, 4, 0xA001);
    CHECK_EQ(cfg_rd(G_NIC, 0x10, 4), 0xC041);
    CHECK_EQ(fake_get(nic, 0x10, 4), 0xC041);
    CHECK_STR(fake_last_msg(&m), "PCI 00:02.0: BAR0 write 0xa001 refused: BARs stay where the firmware put them (0xc041)");
    cfg_wr(G_NIC, 0x12, 2, 0x1234); /* a word into the upper half */
    CHECK_EQ(fake_get(nic, 0x10, 4), 0xC041);
    CHECK_EQ(m.msg_count, 2);
}

TEST(rom_bar_hidden)
{
    machine(false);
    fake_set(nic, 0x30, 4, 0xFEB00000);
    cfg_wr(G_NIC, 0x30, 4, 0xFFFFF800u);
    CHECK_EQ(cfg_rd(G_NIC, 0x30, 4), 0);
    CHECK_EQ(fake_get(nic, 0x30, 4), 0xFEB00000);
}

TEST(memory_bars_64bit_probe)
{
    fake_init(&m);
    struct fake_fn *f = fake_add(&m, NIC, 0x10D38086, 0x02000000);
    fake_bar(f, 0, 0xFEBC000C, 0x20000); /* 64-bit prefetchable, 128 KiB */
    f->bar_size[1] = 0;                  /* upper half: fixed 0 in this fake */
    pci_cfg_init(&sp, &m.backend, false, cpus, 1);
    char why[160];
    CHECK(pci_cfg_add_function(&sp, NIC, G_NIC, why, sizeof why));
    struct pci_bar b = pci_vfunc_bar(&sp.fn[0], 0);
    CHECK_EQ(b.kind, PCI_BAR_MEM64);
    CHECK_EQ(b.base, 0xFEBC0000);
    CHECK_EQ(pci_vfunc_bar(&sp.fn[0], 1).kind, PCI_BAR_NONE); /* the upper half */
    cfg_wr(G_NIC, 0x10, 4, 0xFFFFFFFFu);
    CHECK_EQ(cfg_rd(G_NIC, 0x10, 4), 0xFFFE000Cu);
}

TEST(command_bus_master_only_with_dma)
{
    machine(false);
    CHECK_EQ(fake_get(ide, 4, 2) & 4, 0); /* cleared at boot */
    CHECK_EQ(fake_get(ide, 4, 2) & 3, 3); /* decoding restored after the probe */
    cfg_wr(G_IDE, 4, 2, 0x0405);
    CHECK_EQ(fake_get(ide, 4, 2), 0x0401); /* I/O and INTx disable pass, BME dropped */
    CHECK(strstr(fake_last_msg(&m), "Bus Master Enable refused") != NULL);
    cfg_wr(G_IDE, 4, 1, 0x07);
    CHECK_EQ(m.msg_count, 1); /* logged once */
    cfg_wr(G_IDE, 4, 2, 0x0140); /* SERR#, parity: not the partition's */
    CHECK_EQ(fake_get(ide, 4, 2) & 0x140, 0);
    machine(true);
    CHECK_EQ(fake_get(ide, 4, 2) & 4, 4); /* left as the firmware had it */
    cfg_wr(G_IDE, 4, 2, 0x0007);
    CHECK_EQ(fake_get(ide, 4, 2), 0x0007);
    CHECK_EQ(m.msg_count, 0);
}

TEST(ide_without_dma_hides_bus_master_registers)
{
    machine(false);
    CHECK_EQ(cfg_rd(G_IDE, 8, 4), 0x01010000); /* prog-if bit 7 clear */
    CHECK_EQ(cfg_rd(G_IDE, 9, 1), 0x00);
    CHECK_EQ(cfg_rd(G_IDE, 0x20, 4), 0);
    cfg_wr(G_IDE, 0x20, 4, 0xFFFFFFFFu);
    CHECK_EQ(cfg_rd(G_IDE, 0x20, 4), 0);
    CHECK(pci_vfunc_bar(&sp.fn[0], 4).hidden);
    machine(true);
    CHECK_EQ(cfg_rd(G_IDE, 8, 4), 0x01018000);
    CHECK_EQ(cfg_rd(G_IDE, 0x20, 4), 0xC001);
    CHECK_EQ(pci_vfunc_bar(&sp.fn[0], 4).kind, PCI_BAR_IO);
}

/* The demo's IDE, its secondary channel's ports owned: shown in native
 * mode (prog-if 0x05, bus mastering hidden), the channel's fixed ports
 * as BAR2/BAR3, the primary absent, INTA on line 15. */
TEST(ide_compat_shown_native)
{
    machine(false);
    CHECK(pci_ide_is_compat(&sp.fn[0]));
    CHECK(!pci_ide_is_compat(&sp.fn[1])); /* the NIC */
    uint32_t writes = ide->writes;
    pci_ide_show_native(&sp.fn[0], 1);
    CHECK_EQ(ide->writes, writes); /* only the view changes */
    CHECK_EQ(cfg_rd(G_IDE, 8, 4), 0x01010500);
    CHECK_EQ(cfg_rd(G_IDE, 9, 1), 0x05);
    CHECK_EQ(cfg_rd(G_IDE, 0x10, 4), 0);
    CHECK_EQ(cfg_rd(G_IDE, 0x14, 4), 0);
    CHECK_EQ(cfg_rd(G_IDE, 0x18, 4), 0x171);
    CHECK_EQ(cfg_rd(G_IDE, 0x1C, 4), 0x375); /* control block 0x374-0x377: the register at +2 is 0x376 */
    CHECK_EQ(cfg_rd(G_IDE, 0x20, 4), 0);      /* bus-master registers still hidden */
    CHECK_EQ(cfg_rd(G_IDE, 0x3C, 2), 0x010F); /* INTA, line 15 */
    CHECK_EQ(cfg_rd(G_IDE, 0x3D, 1), 1);
    CHECK_EQ(ide->cfg[0x3D], 0); /* the device itself has no pin */
    struct pci_bar b = pci_vfunc_bar(&sp.fn[0], 2);
    CHECK(b.kind == PCI_BAR_IO && b.legacy && b.base == 0x170 && b.size == 8);
    b = pci_vfunc_bar(&sp.fn[0], 3);
    CHECK(b.kind == PCI_BAR_IO && b.legacy && b.base == 0x374 && b.size == 4);
    CHECK_EQ(pci_vfunc_bar(&sp.fn[0], 0).kind, PCI_BAR_NONE);
    CHECK(!pci_vfunc_bar(&sp.fn[1], 0).legacy); /* the NIC's BAR is a real one */
    CHECK_EQ(m.msg_count, 0);
    /* Writing prog-if (a driver switching modes) changes nothing. */
    cfg_wr(G_IDE, 9, 1, 0x00);
    CHECK_EQ(cfg_rd(G_IDE, 9, 1), 0x05);
}

TEST(ide_native_view_bars_size_and_stay)
{
    machine(false);
    pci_ide_show_native(&sp.fn[0], 1);
    uint32_t bar_writes = ide->bar_writes;
    cfg_wr(G_IDE, 0x18, 4, 0xFFFFFFFFu);
    CHECK_EQ(cfg_rd(G_IDE, 0x18, 4), 0xFFFFFFF9u); /* 8 ports */
    cfg_wr(G_IDE, 0x18, 4, 0x171);
    CHECK_EQ(cfg_rd(G_IDE, 0x18, 4), 0x171);
    cfg_wr(G_IDE, 0x1C, 4, 0xFFFFFFFFu);
    CHECK_EQ(cfg_rd(G_IDE, 0x1C, 4), 0xFFFFFFFDu); /* 4 ports */
    cfg_wr(G_IDE, 0x1C, 4, 0x375);
    cfg_wr(G_IDE, 0x10, 4, 0xFFFFFFFFu); /* the absent primary sizes to 0 */
    CHECK_EQ(cfg_rd(G_IDE, 0x10, 4), 0);
    CHECK_EQ(m.msg_count, 0);
    cfg_wr(G_IDE, 0x18, 4, 0x1F1); /* a move: refused */
    CHECK_EQ(cfg_rd(G_IDE, 0x18, 4), 0x171);
    CHECK_STR(fake_last_msg(&m), "PCI 00:01.0: BAR2 write 0x1f1 refused: BARs stay where the firmware put them (0x171)");
    cfg_wr(G_IDE, 0x10, 4, 0x1F1); /* the primary's ports are not given by writing its BAR */
    CHECK_EQ(cfg_rd(G_IDE, 0x10, 4), 0);
    CHECK_EQ(ide->bar_writes, bar_writes);
}

TEST(ide_native_view_primary_or_none)
{
    machine(true);
    pci_ide_show_native(&sp.fn[0], 0);
    CHECK_EQ(cfg_rd(G_IDE, 8, 4), 0x01018500); /* DMA allowed: bus mastering shown */
    CHECK_EQ(cfg_rd(G_IDE, 0x10, 4), 0x1F1);
    CHECK_EQ(cfg_rd(G_IDE, 0x14, 4), 0x3F5);
    CHECK_EQ(cfg_rd(G_IDE, 0x18, 4), 0);
    CHECK_EQ(cfg_rd(G_IDE, 0x20, 4), 0xC001);
    CHECK_EQ(cfg_rd(G_IDE, 0x3C, 2), 0x010E); /* line 14 */
    machine(false);
    pci_ide_show_native(&sp.fn[0], -1);
    CHECK_EQ(cfg_rd(G_IDE, 9, 1), 0x05);
    for (uint32_t reg = 0x10; reg < 0x20; reg += 4)
        CHECK_EQ(cfg_rd(G_IDE, reg, 4), 0);
    CHECK_EQ(cfg_rd(G_IDE, 0x3D, 1), 0); /* no channel, no interrupt */
}

TEST(ide_already_native_not_compat)
{
    fake_init(&m);
    fake_add(&m, IDE, 0x70108086, 0x01018F00); /* both channels native and switchable */
    pci_cfg_init(&sp, &m.backend, false, cpus, 1);
    char why[160];
    CHECK(pci_cfg_add_function(&sp, IDE, G_IDE, why, sizeof why));
    CHECK(!pci_ide_is_compat(&sp.fn[0]));
    fake_init(&m);
    fake_add(&m, IDE, 0x70108086, 0x01018400); /* secondary native only */
    pci_cfg_init(&sp, &m.backend, false, cpus, 1);
    CHECK(pci_cfg_add_function(&sp, IDE, G_IDE, why, sizeof why));
    CHECK(!pci_ide_is_compat(&sp.fn[0]));
}

TEST(interrupt_line_is_a_scratch_copy)
{
    machine(false);
    CHECK_EQ(cfg_rd(G_NIC, 0x3C, 1), 9);
    CHECK_EQ(cfg_rd(G_NIC, 0x3D, 1), 1);
    cfg_wr(G_NIC, 0x3C, 1, 5);
    CHECK_EQ(cfg_rd(G_NIC, 0x3C, 2), 0x0105);
    CHECK_EQ(nic->cfg[0x3C], 9);
}

TEST(device_specific_registers_pass)
{
    machine(false);
    cfg_wr(G_IDE, 0x40, 2, 0x8000); /* PIIX IDE timing: decode enable */
    CHECK_EQ(fake_get(ide, 0x40, 2), 0x8000);
    CHECK_EQ(cfg_rd(G_IDE, 0x40, 4), 0x8000);
    cfg_wr(G_IDE, 0x06, 2, 0xFFFF); /* status alone: write-1-to-clear, command untouched */
    CHECK_EQ(fake_get(ide, 4, 2), 0x0003);
}

TEST(writes_to_other_functions_refused)
{
    machine(false);
    uint32_t writes = m.fn[3].writes;
    cfg_wr(OTHER, 4, 2, 0x0007);
    CHECK_EQ(m.fn[3].writes, writes);
    CHECK_STR(fake_last_msg(&m), "PCI 00:03.0 register 0x4 write 0x7 refused: not one of its functions");
    for (int i = 0; i < 40; i++)
        cfg_wr(OTHER, 4, 2, 0x0007);
    CHECK_EQ(m.msg_count, PCI_CFG_LOG_LIMIT); /* rate-limited */
    CHECK(strstr(m.msg[PCI_CFG_LOG_LIMIT - 1], "further PCI refusals not logged") != NULL);
}

TEST(multifunction_bit_follows_the_partitions_view)
{
    fake_init(&m);
    struct fake_fn *a = fake_add(&m, PCI_BDF(0, 1, 0), 0x70008086, 0x06010000);
    a->cfg[0xE] = 0x80; /* the machine's device has several functions */
    fake_add(&m, IDE, 0x70108086, 0x01018000);
    pci_cfg_init(&sp, &m.backend, false, cpus, 1);
    char why[160];
    CHECK(pci_cfg_add_function(&sp, IDE, G_IDE, why, sizeof why));
    CHECK_EQ(cfg_rd(G_IDE, 0xE, 1), 0x00);
    CHECK(pci_cfg_add_function(&sp, PCI_BDF(0, 1, 0), PCI_BDF(0, 1, 1), why, sizeof why));
    CHECK_EQ(cfg_rd(G_IDE, 0xE, 1), 0x80);
    CHECK_EQ(cfg_rd(PCI_BDF(0, 1, 1), 0xE, 1), 0x80);
}

TEST(add_function_refusals)
{
    machine(false);
    char why[160];
    CHECK(!pci_cfg_add_function(&sp, PCI_BDF(0, 9, 0), PCI_BDF(0, 3, 0), why, sizeof why));
    CHECK_STR(why, "PCI function 00:09.0 is not on this machine");
    struct fake_fn *bridge = fake_add(&m, PCI_BDF(0, 5, 0), 0x70008086, 0x06040000);
    (void)bridge;
    m.fn[3].cfg[0xE] = 1; /* a PCI-to-PCI bridge */
    CHECK(!pci_cfg_add_function(&sp, OTHER, PCI_BDF(0, 3, 0), why, sizeof why));
    CHECK(strstr(why, "header type 1") != NULL);
    CHECK(!pci_cfg_add_function(&sp, NIC, PCI_BDF(0, 4, 0), why, sizeof why));
}

/* --------------------------------------------------------------- MSI */

static struct fake_fn *msi_device(uint8_t msix_too)
{
    fake_init(&m);
    struct fake_fn *f = fake_add(&m, NIC, 0x100E8086, 0x02000000);
    fake_cap(f, 0x50, 0x01, 8); /* power management */
    if (msix_too)
        fake_cap(f, 0x60, 0x11, 12);
    fake_cap(f, 0x70, 0x05, 24); /* MSI, 64-bit with per-vector masks */
    fake_set(f, 0x72, 2, 0x0180 | 0x0004 /* MMC: 4 messages */);
    f->wmask[0x72] = 0x71;
    f->wmask[0x73] = 0;
    pci_cfg_init(&sp, &m.backend, true, cpus, 2);
    char why[160];
    CHECK(pci_cfg_add_function(&sp, NIC, G_NIC, why, sizeof why));
    return f;
}

TEST(msi_check_rules)
{
    msi_device(0);
    CHECK(pci_msi_check(&sp, 0xFEE00000, 0x0041) == NULL);        /* CPU 0, vector 0x41 */
    CHECK(pci_msi_check(&sp, 0xFEE02000, 0x4041) == NULL);        /* CPU 2 (level bit 14 alone is ignored) */
    CHECK(pci_msi_check(&sp, 0xFEE01000, 0x0041) != NULL);        /* CPU 1: another partition's */
    CHECK(pci_msi_check(&sp, 0xFEEFF000, 0x0041) != NULL);        /* broadcast */
    CHECK(pci_msi_check(&sp, 0xFEE00004, 0x0041) != NULL);        /* logical */
    CHECK(pci_msi_check(&sp, 0xFEE00008, 0x0041) != NULL);        /* redirection hint */
    CHECK(pci_msi_check(&sp, 0xFEE00000, 0x0141) != NULL);        /* lowest priority */
    CHECK(pci_msi_check(&sp, 0xFEE00000, 0x0241) != NULL);        /* SMI */
    CHECK(pci_msi_check(&sp, 0xFEE00000, 0x0441) != NULL);        /* NMI */
    CHECK(pci_msi_check(&sp, 0xFEE00000, 0x8041) != NULL);        /* level-triggered */
    CHECK(pci_msi_check(&sp, 0xFEE00000, 0x0010) != NULL);        /* exception vector */
    CHECK(pci_msi_check(&sp, 0x0C000000, 0x0041) != NULL);        /* plain memory: a DMA write */
    CHECK(pci_msi_check(&sp, 0x1FEE00000ull, 0x0041) != NULL);    /* above 4 GiB */
}

TEST(msi_programming_checked)
{
    struct fake_fn *f = msi_device(0);
    cfg_wr(G_NIC, 0x72, 2, 0x0001); /* enable with no message: address 0 */
    CHECK_EQ(fake_get(f, 0x72, 2) & 1, 0);
    CHECK(strstr(fake_last_msg(&m), "MSI enable refused") != NULL);
    cfg_wr(G_NIC, 0x74, 4, 0xFEE01000); /* CPU 1: not its own */
    CHECK_EQ(fake_get(f, 0x74, 4), 0);
    CHECK(strstr(fake_last_msg(&m), "another partition") != NULL);
    cfg_wr(G_NIC, 0x74, 4, 0xFEE02000);
    cfg_wr(G_NIC, 0x78, 4, 0);
    cfg_wr(G_NIC, 0x7C, 2, 0x0241); /* SMI */
    CHECK_EQ(fake_get(f, 0x7C, 2), 0);
    cfg_wr(G_NIC, 0x7C, 2, 0x0041);
    CHECK_EQ(fake_get(f, 0x74, 4), 0xFEE02000);
    CHECK_EQ(fake_get(f, 0x7C, 2), 0x0041);
    cfg_wr(G_NIC, 0x72, 2, 0x0031); /* enable, asking for 8 messages */
    CHECK_EQ(fake_get(f, 0x72, 2) & 0x71, 0x01); /* enabled, one message */
    uint32_t n = m.msg_count;
    cfg_wr(G_NIC, 0x78, 4, 1); /* upper address while enabled */
    CHECK_EQ(fake_get(f, 0x78, 4), 0);
    CHECK_EQ(m.msg_count, n + 1);
    cfg_wr(G_NIC, 0x80, 4, 0xFFFFFFFFu); /* mask bits pass */
    CHECK_EQ(fake_get(f, 0x80, 4), 0xFFFFFFFFu);
}

TEST(msix_unlinked_and_refused)
{
    struct fake_fn *f = msi_device(1);
    /* list on the machine: 0x50 PM -> 0x60 MSI-X -> 0x70 MSI */
    CHECK_EQ(cfg_rd(G_NIC, 0x51, 1), 0x70);
    CHECK_EQ(cfg_rd(G_NIC, 0x50, 4) >> 8 & 0xFF, 0x70);
    CHECK_EQ(cfg_rd(G_NIC, 0x34, 1), 0x50);
    cfg_wr(G_NIC, 0x62, 2, 0x8000); /* MSI-X enable */
    CHECK_EQ(fake_get(f, 0x62, 2), 0);
    CHECK(strstr(fake_last_msg(&m), "MSI-X") != NULL);
}

/* Without DMA the function cannot send a message (Bus Master Enable is
 * refused): MSI is unlinked like MSI-X, here a run of both after PM, so
 * one pointer skips them; their registers refuse writes. */
TEST(msi_hidden_without_dma)
{
    fake_init(&m);
    struct fake_fn *f = fake_add(&m, NIC, 0x100E8086, 0x02000000);
    fake_cap(f, 0x50, 0x01, 8);  /* PM */
    fake_cap(f, 0x60, 0x11, 12); /* MSI-X */
    fake_cap(f, 0x70, 0x05, 24); /* MSI, 64-bit with per-vector masks */
    fake_set(f, 0x72, 2, 0x0180);
    pci_cfg_init(&sp, &m.backend, false, cpus, 2);
    char why[160];
    CHECK(pci_cfg_add_function(&sp, NIC, G_NIC, why, sizeof why));
    CHECK_EQ(cfg_rd(G_NIC, 0x34, 1), 0x50);
    CHECK_EQ(cfg_rd(G_NIC, 0x51, 1), 0);        /* PM is the last capability shown */
    CHECK_EQ(cfg_rd(G_NIC, 0x50, 4) & 0xFFFF, 0x0001);
    cfg_wr(G_NIC, 0x74, 4, 0xFEE00000);         /* a message it could send with DMA */
    CHECK_EQ(fake_get(f, 0x74, 4), 0);
    CHECK(strstr(fake_last_msg(&m), "MSI is not offered without DMA") != NULL);
    cfg_wr(G_NIC, 0x80, 4, 0xFFFFFFFFu);        /* the mask bits: inside the capability too */
    CHECK_EQ(fake_get(f, 0x80, 4), 0);
    cfg_wr(G_NIC, 0x72, 2, 0x0001);
    CHECK_EQ(fake_get(f, 0x72, 2) & 1, 0);
    for (uint32_t r = 0x88; r < 0x8C; r++)
        f->wmask[r] = 0xFF;
    cfg_wr(G_NIC, 0x88, 4, 0x12345678);         /* past it: device-specific, passes */
    CHECK_EQ(fake_get(f, 0x88, 4), 0x12345678);
}

/* Hidden capabilities apart in the list: each skipped by its own link. */
TEST(hidden_capabilities_apart)
{
    fake_init(&m);
    struct fake_fn *f = fake_add(&m, NIC, 0x100E8086, 0x02000000);
    fake_cap(f, 0x40, 0x05, 10); /* MSI, 32-bit */
    fake_cap(f, 0x50, 0x01, 8);  /* PM */
    fake_cap(f, 0x60, 0x11, 12); /* MSI-X */
    fake_cap(f, 0x70, 0x09, 8);  /* vendor-specific */
    pci_cfg_init(&sp, &m.backend, false, cpus, 2);
    char why[160];
    CHECK(pci_cfg_add_function(&sp, NIC, G_NIC, why, sizeof why));
    CHECK_EQ(cfg_rd(G_NIC, 0x34, 1), 0x50);
    CHECK_EQ(cfg_rd(G_NIC, 0x51, 1), 0x70);
    CHECK_EQ(cfg_rd(G_NIC, 0x71, 1), 0);
    CHECK_EQ(fake_get(f, 0x34, 1), 0x40); /* the device's own list is untouched */
}

/* Whatever the firmware left enabled is off when the partition starts:
 * it starts on INTx, as after a reset, and enables what it may. */
TEST(msi_and_msix_disabled_at_boot)
{
    fake_init(&m);
    struct fake_fn *f = fake_add(&m, NIC, 0x100E8086, 0x02000000);
    fake_cap(f, 0x60, 0x11, 12);
    fake_cap(f, 0x70, 0x05, 10);
    f->wmask[0x72] = 0x01;
    f->wmask[0x63] = 0xC0;
    fake_set(f, 0x72, 2, 0x0001);
    fake_set(f, 0x62, 2, 0x8000);
    pci_cfg_init(&sp, &m.backend, true, cpus, 2);
    char why[160];
    CHECK(pci_cfg_add_function(&sp, NIC, G_NIC, why, sizeof why));
    CHECK_EQ(fake_get(f, 0x72, 2), 0);
    CHECK_EQ(fake_get(f, 0x62, 2), 0);
    CHECK_EQ(cfg_rd(G_NIC, 0x34, 1), 0x70); /* with DMA: MSI shown, MSI-X not */
}

/* ------------------------------------------------------------------ ECAM */

static uint32_t ecam(uint16_t bdf, uint32_t reg) { return (uint32_t)bdf << 12 | reg; }

/* Every register 0x00-0xFF of every target reads through ECAM exactly as
 * through mechanism #1, in every size at every aligned offset. */
static void check_ecam_equals_conf1(const uint16_t *bdfs, size_t n)
{
    for (size_t k = 0; k < n; k++)
        for (uint32_t reg = 0; reg < 0x100; reg++)
            for (uint32_t size = 1; size <= 4; size *= 2)
                if (!(reg & (size - 1)))
                    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(bdfs[k], reg), size), cfg_rd(bdfs[k], reg, size));
}

TEST(ecam_reads_what_mechanism1_reads)
{
    static const uint16_t bdfs[] = {0, G_IDE, G_NIC, OTHER, PCI_BDF(0, 31, 7)};
    machine(false);
    check_ecam_equals_conf1(bdfs, 5);
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 0x03), 1), 0x80); /* device id 0x8029, high byte */
    msi_device(1); /* mediated MSI and MSI-X registers too */
    check_ecam_equals_conf1(bdfs, 3);
    CHECK_EQ(m.msg_count, 0);
}

TEST(ecam_extended_registers)
{
    machine(false);
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(0, 0x100), 4), 0);       /* host bridge */
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 0x100), 4), 0);   /* no machine ECAM: no capabilities */
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 0xFFC), 4), 0);
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(OTHER, 0x100), 4), 0xFFFFFFFFu); /* not its own: master abort */
    fake_with_ecam(&m);
    nic->ext_header = 0x14010001; /* AER, version 1, next 0x140 */
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 0x100), 4), 0x14010001);
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 0x102), 2), 0x1401);
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 0x103), 1), 0x14);
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(0, 0x100), 4), 0);       /* the emulated bridge has none */
    CHECK_EQ(m.msg_count, 0);
    uint32_t writes = nic->writes;
    pci_cfg_ecam_write(&sp, ecam(G_NIC, 0x104), 4, 0xFFFFFFFFu);
    CHECK_EQ(nic->writes, writes);
    CHECK(strstr(fake_last_msg(&m), "PCI 00:02.0 extended register 0x104 write 0xffffffff refused: extended "
                                    "capabilities (SR-IOV, Resizable BAR) could add or move BARs") != NULL);
    pci_cfg_ecam_write(&sp, ecam(0, 0x200), 2, 1);
    CHECK(strstr(fake_last_msg(&m), "PCI 00:00.0 extended register 0x200 write 0x1 refused") != NULL);
    pci_cfg_ecam_write(&sp, ecam(OTHER, 0x100), 4, 1);
    CHECK(strstr(fake_last_msg(&m), "PCI 00:03.0 register 0x100 write 0x1 refused: not one of its functions") != NULL);
    CHECK_EQ(m.msg_count, 3);
}

TEST(ecam_wide_and_misaligned_accesses)
{
    machine(false);
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 0), 8), ~0ull); /* more than a dword: no request */
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 1), 4), 0xFFFFFFFFu);
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 3), 2), 0xFFFF);
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 0x102), 4), 0xFFFFFFFFu);
    CHECK_EQ(pci_cfg_ecam_read(&sp, PCI_ECAM_BUS_BYTES, 4), 0xFFFFFFFFu); /* bus 1: not in the window */
    CHECK_EQ(m.msg_count, 0);
    uint32_t writes = nic->writes;
    pci_cfg_ecam_write(&sp, ecam(G_NIC, 0x10), 8, 0x0A0000010A000001ull);
    CHECK(strstr(fake_last_msg(&m), "PCI 00:02.0 register 0x10: 8-byte ECAM write refused: a configuration "
                                    "request is at most a naturally aligned dword (PCI Express Base 7.2.2)") != NULL);
    pci_cfg_ecam_write(&sp, ecam(G_NIC, 0x05), 2, 0x0404);
    CHECK(strstr(fake_last_msg(&m), "PCI 00:02.0 register 0x5: 2-byte ECAM write refused") != NULL);
    CHECK_EQ(nic->writes, writes);
    CHECK_EQ(cfg_rd(G_NIC, 0x10, 4), 0xC041);
}

TEST(ecam_writes_get_mechanism1_mediation)
{
    machine(false);
    uint32_t bar_writes = nic->bar_writes; /* the boot probe's */
    pci_cfg_ecam_write(&sp, ecam(G_NIC, 0x10), 4, 0x0A000001); /* a BAR move */
    CHECK_EQ(nic->bar_writes, bar_writes);
    CHECK_STR(fake_last_msg(&m), "PCI 00:02.0: BAR0 write 0xa000001 refused: BARs stay where the firmware put them "
                                 "(0xc041)");
    pci_cfg_ecam_write(&sp, ecam(G_NIC, 0x10), 4, 0xFFFFFFFFu); /* a sizing probe: answered, not passed on */
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 0x10), 4), 0xFFFFFFE1u);
    CHECK_EQ(cfg_rd(G_NIC, 0x10, 4), 0xFFFFFFE1u); /* one sizing state, whichever way it was started */
    pci_cfg_ecam_write(&sp, ecam(G_NIC, 0x10), 4, 0xC041);
    CHECK_EQ(pci_cfg_ecam_read(&sp, ecam(G_NIC, 0x10), 4), 0xC041);
    CHECK_EQ(nic->bar_writes, bar_writes);
    pci_cfg_ecam_write(&sp, ecam(G_NIC, 0x04), 2, 0x0007); /* Bus Master Enable without DMA */
    CHECK_EQ(fake_get(nic, 0x04, 2), 0x0003);
    CHECK(strstr(fake_last_msg(&m), "Bus Master Enable refused") != NULL);
    pci_cfg_ecam_write(&sp, ecam(G_NIC, 0x3C), 1, 0x0B); /* Interrupt Line: its scratch byte */
    CHECK_EQ(cfg_rd(G_NIC, 0x3C, 1), 0x0B);
    pci_cfg_ecam_write(&sp, ecam(G_NIC, 0x41), 1, 0x5A); /* device-specific: passes */
    CHECK_EQ(fake_get(nic, 0x41, 1), 0x5A);
    pci_cfg_ecam_write(&sp, ecam(OTHER, 0x04), 2, 0x0007);
    CHECK_STR(fake_last_msg(&m), "PCI 00:03.0 register 0x4 write 0x7 refused: not one of its functions");
    pci_cfg_ecam_write(&sp, ecam(0, 0x59), 1, 0x30); /* the chipset's PAM: refused, as through 0xCFC */
    CHECK(strstr(fake_last_msg(&m), "PCI 00:00.0 register 0x59 write 0x30 dropped") != NULL);
}

TEST(ecam_on_an_empty_bus)
{
    struct pci_cfg_space empty = {0};
    for (uint32_t dev = 0; dev < 32; dev++)
        CHECK_EQ(pci_cfg_ecam_read(&empty, ecam(PCI_BDF(0, dev, 0), 0), 4), 0xFFFFFFFFu);
    CHECK_EQ(pci_cfg_ecam_read(&empty, ecam(0, 0x100), 4), 0xFFFFFFFFu);
    pci_cfg_ecam_write(&empty, ecam(0, 0x04), 2, 7); /* no backend: dropped, nobody to tell */
    pci_cfg_ecam_write(&empty, ecam(0, 0x100), 4, 7);
    CHECK_EQ(pci_cfg_ecam_read(&empty, ecam(0, 0), 4), 0xFFFFFFFFu);
}
