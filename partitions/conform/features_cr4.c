/* CR4 bits of advertised features: set, read back, restore (SDM Vol. 3A
 * 2.5). "feat.cr4.<name> sticks|lost|#GP". CR4.PCIDE must #GP outside
 * IA-32e mode (SDM Vol. 3A 4.10.1, MOV to CR4), so it reports #GP both
 * bare and in a partition; a reserved bit must #GP as well. Where a CR4
 * bit switches a CPUID bit (OSXSAVE, OSPKE), the CPUID bit must follow. */
#include "partitions/conform/conform.h"
#include "partitions/conform/cpu.h"

struct cr4_bit {
    uint32_t bit;
    const char *name;
    uint32_t leaf, subleaf; /* the CPUID bit that advertises it */
    char reg;
    uint8_t cpuid_bit;
};

static const struct cr4_bit cr4_bits[] = {
    {CR4_VME, "vme", 1, 0, 'd', 1},
    {CR4_PVI, "pvi", 1, 0, 'd', 1},
    {CR4_TSD, "tsd", 1, 0, 'd', 4},
    {CR4_DE, "de", 1, 0, 'd', 2},
    {CR4_PSE, "pse", 1, 0, 'd', 3},
    {CR4_PAE, "pae", 1, 0, 'd', 6},
    {CR4_MCE, "mce", 1, 0, 'd', 7},
    {CR4_PGE, "pge", 1, 0, 'd', 13},
    {CR4_PCE, "pce", 1, 0, 'd', 0},
    {CR4_OSFXSR, "osfxsr", 1, 0, 'd', 24},
    {CR4_OSXMMEXCPT, "osxmmexcpt", 1, 0, 'd', 25},
    {CR4_UMIP, "umip", 7, 0, 'c', 2},
    {CR4_VMXE, "vmxe", 1, 0, 'c', 5},
    {CR4_FSGSBASE, "fsgsbase", 7, 0, 'b', 0},
    {CR4_PCIDE, "pcide", 1, 0, 'c', 17},
    {CR4_OSXSAVE, "osxsave", 1, 0, 'c', 26},
    {CR4_SMEP, "smep", 7, 0, 'b', 7},
    {CR4_SMAP, "smap", 7, 0, 'b', 20},
    {CR4_PKE, "pke", 7, 0, 'c', 3},
};

static void set_cr4(void *p) { write_cr4(*(uint32_t *)p); }

int cr4_try_write(uint32_t value) { return conf_try(set_cr4, &value); }

static const char *try_bit(uint32_t bit)
{
    uint32_t before = read_cr4();
    int v = cr4_try_write(before | bit);
    if (v >= 0)
        return conf_try_name(v);
    int stuck = (read_cr4() & bit) != 0;
    write_cr4(before);
    return stuck ? "sticks" : "lost";
}

/* A CR4 bit that a CPUID bit mirrors (SDM Vol. 2A CPUID: OSXSAVE "CR4.
 * OSXSAVE[bit 18]", OSPKE "CR4.PKE"): 1 while set, 0 after. */
static void check_mirror(const char *key, uint32_t bit, uint32_t leaf, char reg, unsigned mirror_bit)
{
    uint32_t before = read_cr4();
    if (cr4_try_write(before | bit) >= 0)
        return;
    int on = cpuid_bit(leaf, 0, reg, mirror_bit);
    write_cr4(before & ~bit);
    int off = cpuid_bit(leaf, 0, reg, mirror_bit);
    write_cr4(before);
    conf(key, "%s", on && !off ? "follows" : on ? "stuck-at-1" : "stuck-at-0");
}

void probe_cr4_bits(void)
{
    /* What the loader left (Multiboot 0.6.96 3.2 fixes only PE and PG). */
    conf("feat.cr0.initial", "0x%x", read_cr0());
    conf("feat.cr4.initial", "0x%x", read_cr4());
    for (unsigned i = 0; i < sizeof cr4_bits / sizeof cr4_bits[0]; i++) {
        const struct cr4_bit *b = &cr4_bits[i];
        const char *key = feat_key("feat.cr4.", b->name);
        if (!cpuid_bit(b->leaf, b->subleaf, b->reg, b->cpuid_bit))
            conf(key, "not-advertised");
        else
            conf(key, "%s", try_bit(b->bit));
    }
    conf("feat.cr4.reserved31", "%s", try_bit(1u << 31));
    if (cpuid_bit(1, 0, 'c', 26))
        check_mirror("feat.cr4.osxsave.cpuid", CR4_OSXSAVE, 1, 'c', 27);
    if (cpuid_bit(7, 0, 'c', 3))
        check_mirror("feat.cr4.pke.cpuid", CR4_PKE, 7, 'c', 4);
}
