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
