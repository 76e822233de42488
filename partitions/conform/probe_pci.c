/* PCI (probe group 7): configuration mechanism #1 through ports 0xCF8/
 * 0xCFC (PCI Local Bus 3.0 3.2.2.3.2), as kernels probe and scan it:
 * the address latch reads back, absent functions read all ones, 16-bit
 * accesses at 0xCFC/0xCFE agree with the 32-bit one, mechanism #2 is
 * absent (Linux's probe for it: byte writes of 0 to 0xCFB, 0xCF8, 0xCFA
 * must not read back as 0), and bus 0 is scanned (functions 1-7 of
 * multi-function devices only). */
#include "partitions/common/cpu.h"
#include "partitions/conform/conform.h"

#define PCI_ADDR 0xCF8
#define PCI_DATA 0xCFC
#define PCI_ENABLE 0x80000000u
#define PCI_HEADER_MULTIFUNCTION 0x80

static uint32_t config_address(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t reg)
{
    return PCI_ENABLE | bus << 16 | dev << 11 | fn << 8 | (reg & 0xFC);
}

static uint32_t config_read32(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t reg)
{
    outl(PCI_ADDR, config_address(bus, dev, fn, reg));
    return inl(PCI_DATA);
}

/* Linux's pci_check_type1: the latch keeps what was written to it. */
static void latch(void)
{
    uint32_t old = inl(PCI_ADDR);
    outl(PCI_ADDR, PCI_ENABLE);
    uint32_t back = inl(PCI_ADDR);
    outl(PCI_ADDR, old);
    conf("pci.cf8_latch", "%s", back == PCI_ENABLE ? "ok" : "lost");
}

static void sub_dword_access(void)
{
    uint32_t whole = config_read32(0, 0, 0, 0);
    outl(PCI_ADDR, config_address(0, 0, 0, 0));
    uint32_t lo = inw(PCI_DATA);
    outl(PCI_ADDR, config_address(0, 0, 0, 0));
    uint32_t hi = inw(PCI_DATA + 2);
    conf("pci.cfc_16bit", "%s", (hi << 16 | lo) == whole ? "consistent" : "differs");
    /* Bus 255 device 31 has nothing on a PC: all ones, as for any
     * absent function (PCI 3.0 6.1). */
    conf("pci.absent_function", "%s", config_read32(255, 31, 7, 0) == 0xFFFFFFFFu ? "all-ones" : "other");
}

static int probe_function(uint32_t dev, uint32_t fn)
{
    uint32_t id = config_read32(0, dev, fn, 0);
    if ((id & 0xFFFF) == 0xFFFF)
        return 0;
    uint32_t class = config_read32(0, dev, fn, 8) >> 8;
    char key[24] = "pci.dev.00:00.0";
    key[11] = (char)('0' + dev / 10 % 10);
    key[12] = (char)('0' + dev % 10);
    key[14] = (char)('0' + fn);
    conf(key, "%04x:%04x class %06x", id & 0xFFFF, id >> 16, class);
    return 1;
}

static void mechanism2(void)
{
    outb(0xCFB, 0);
    outb(PCI_ADDR, 0);
    outb(0xCFA, 0);
    int present = inb(PCI_ADDR) == 0 && inb(0xCFA) == 0;
    conf("pci.mechanism2", "%s", present ? "present" : "absent");
}

void probe_pci(void)
{
    latch();
    sub_dword_access();
    mechanism2();
    uint32_t found = 0;
    for (uint32_t dev = 0; dev < 32; dev++) {
        if (!probe_function(dev, 0))
            continue;
        found++;
        uint32_t header = config_read32(0, dev, 0, 0xC) >> 16 & 0xFF;
        if (!(header & PCI_HEADER_MULTIFUNCTION))
            continue;
        for (uint32_t fn = 1; fn < 8; fn++)
            found += (uint32_t)probe_function(dev, fn);
    }
    conf("pci.functions", "%u", found);
    conf("pci.scan", "done");
}
