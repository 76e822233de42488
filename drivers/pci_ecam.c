/* The machine's ECAM for extended registers (drivers/pci_ecam.h). A
 * function's page is at window + (bus << 20 | device << 15 | function
 * << 12) (PCI Express Base 7.2.2, Table 7-1); bus 0 here. Accesses are
 * single uncached loads of the asked size: a configuration read has no
 * side effect beyond the register's own. */
#include "drivers/pci_ecam.h"

#include "arch/x86/mm.h"
#include "arch/x86/platform.h"
#include "hv/config.h"

#define ECAM_PAGE 0x1000u
#define MAX_ATTACHED (CFG_MAX_PARTITIONS * CFG_MAX_PCI)

static struct {
    uint16_t bdf;
    volatile uint8_t *page;
} attached[MAX_ATTACHED];
static uint32_t attached_count;

static uint32_t page_read(volatile uint8_t *page, uint32_t reg, uint32_t size)
{
    if (size == 1)
        return page[reg];
    if (size == 2)
        return *(volatile uint16_t *)(page + reg);
    return *(volatile uint32_t *)(page + reg);
}

bool pci_ecam_attach(uint16_t bdf)
{
    const struct acpi_info *a = &platform.acpi;
    if (bdf >> 8 || attached_count >= MAX_ATTACHED)
        return false;
    for (uint32_t w = 0; w < a->ecam_count; w++) {
        if (a->ecam_segment[w] != 0 || a->ecam_start_bus[w] != 0)
            continue; /* another segment, or a window starting past bus 0 */
        uint64_t pa = a->ecam[w].base + ((uint64_t)bdf << 12);
        if (mm_map_mmio(pa, ECAM_PAGE) != 0)
            return false;
        attached[attached_count].bdf = bdf;
        attached[attached_count++].page = phys_to_virt(pa);
        return true;
    }
    return false;
}

uint32_t pci_ecam_read(uint16_t bdf, uint32_t reg, uint32_t size)
{
    for (uint32_t i = 0; i < attached_count; i++)
        if (attached[i].bdf == bdf)
            return page_read(attached[i].page, reg & (ECAM_PAGE - 1), size);
    return 0;
}
