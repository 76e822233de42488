/* EPT violations (Intel SDM Vol. 3C 29.3.3.2; qualification Table 28-7).
 * Emulated device pages are a small table (emulated_pages): the shared
 * IOAPIC (reads and writes), a mediated HPET (mapped read-only: its
 * writes) and a partition's PCI ECAM window (never mapped: hv/pci_cfg.h).
 * Any other access outside the partition's memory stops it, with the
 * address, the kind of access and the guest RIP in the log. */
#include "arch/x86/guest_paging.h"
#include "arch/x86/ioapic.h"
#include "hv/fmt.h"
#include "hv/pci_assign.h"
#include "hv/string.h"
#include "vmx/exit.h"
#include "vmx/guest_rip.h"
#include "vmx/hpet_emul.h"
#include "vmx/ioapic_emul.h"
#include "vmx/vmcs_fields.h"
#include "vmx/xapic_emul.h"
#include "vmx/vmx_asm.h"

#define QUAL_READ (1u << 0)
#define QUAL_WRITE (1u << 1)
#define QUAL_FETCH (1u << 2)
#define QUAL_LINEAR_VALID (1u << 7)
#define MAX_INSN 15
#define AR_L (1u << 13)
#define AR_DB (1u << 14)
#define EFER_LMA_BIT (1ull << 10)

static bool read_guest_ram(void *ctx, uint64_t gpa, void *buf, size_t len)
{
    const struct partition *p = ctx;
    const void *src = guest_ram_ptr(&p->ram, gpa, len);
    if (!src)
        return false;
    memcpy(buf, src, len);
    return true;
}

/* Copies up to MAX_INSN bytes at CS:RIP; returns how many were readable.
 * In 64-bit mode CS's base is treated as 0, whatever the VMCS field holds
 * (SDM Vol. 3A 3.4.4); otherwise linear addresses are 32 bits wide and
 * wrap at 4 GiB (3.4, also in compatibility mode), the instruction's
 * bytes too. */
static size_t fetch_instruction(const struct partition *p, uint8_t *buf)
{
    struct guest_paging_state s = {vmread(VMCS_GUEST_CR0), vmread(VMCS_GUEST_CR3), vmread(VMCS_GUEST_CR4),
                                   vmread(VMCS_GUEST_EFER)};
    bool long64 = vcpu_in_64bit_mode();
    uint64_t linear = vmread(VMCS_GUEST_RIP) + (long64 ? 0 : vmread(VMCS_GUEST_CS_BASE));
    size_t n = 0;
    while (n < MAX_INSN) {
        uint64_t gpa, at = long64 ? linear + n : (uint32_t)(linear + n);
        if (guest_translate(&s, at, GVA_ACCESS_FETCH, read_guest_ram, (void *)p, &gpa) != 0)
            break;
        size_t chunk = MIN((size_t)MAX_INSN - n, (size_t)(PAGE_SIZE - (gpa & (PAGE_SIZE - 1))));
        if (!read_guest_ram((void *)p, gpa, buf + n, chunk))
            break;
        n += chunk;
    }
    return n;
}

static unsigned code_size_bits(void)
{
    uint32_t ar = (uint32_t)vmread(VMCS_GUEST_CS_AR);
    if ((vmread(VMCS_GUEST_EFER) & EFER_LMA_BIT) && (ar & AR_L))
        return 64;
    return (ar & AR_DB) ? 32 : 16;
}

static const char *access_name(uint64_t q)
{
    return (q & QUAL_FETCH) ? "instruction fetch" : (q & QUAL_WRITE) ? "write" : "read";
}

static bool ioapic_claims(const struct partition *p, uint64_t gpa, uint64_t *offset)
{
    (void)p;
    uint64_t io = ioapic_base();
    if (!io || gpa < io || gpa - io >= IOAPIC_MMIO_SIZE)
        return false;
    *offset = gpa - io;
    return true;
}

static void ioapic_access(struct vcpu *v, uint64_t offset, const struct mmio_insn *m)
{
    ioapic_emulate(v, (uint32_t)offset, m);
}

/* Its ECAM window for bus 0 (cfg pci_ecam); bus 1 and beyond are not
 * there: an access past it stops the partition like any hole. */
static bool ecam_claims(const struct partition *p, uint64_t gpa, uint64_t *offset)
{
    uint64_t base = p->cfg->pci_ecam;
    if (!base || gpa < base || gpa - base >= PCI_ECAM_BUS_BYTES)
        return false;
    *offset = gpa - base;
    return true;
}

static void ecam_access(struct vcpu *v, uint64_t offset, const struct mmio_insn *m)
{
    struct pci_cfg_space *s = pci_space_of(v->partition);
    if (m->write)
        pci_cfg_ecam_write(s, (uint32_t)offset, m->size, vcpu_mmio_write_value(v, m));
    else
        vcpu_mmio_store_read(v, m, pci_cfg_ecam_read(s, (uint32_t)offset, m->size));
}

/* A device page the hypervisor emulates accesses to: claims() says
 * whether a guest-physical address is in it for this partition (and
 * where), emulate() does one decoded access. */
static const struct emulated_page {
    const char *name;
    bool (*claims)(const struct partition *p, uint64_t gpa, uint64_t *offset);
    void (*emulate)(struct vcpu *v, uint64_t offset, const struct mmio_insn *m);
} emulated_pages[] = {
    {"IOAPIC", ioapic_claims, ioapic_access},
    {"HPET", hpet_emul_claims, hpet_emulate},
    {"local APIC", xapic_emul_claims, xapic_emulate}, /* xAPIC mode (vmx/apic_mode_vcpu.c) */
    {"PCI ECAM", ecam_claims, ecam_access},
};

static bool emulate_access(struct vcpu *v, uint64_t gpa)
{
    for (size_t i = 0; i < ARRAY_SIZE(emulated_pages); i++) {
        const struct emulated_page *e = &emulated_pages[i];
        uint64_t offset;
        if (!e->claims(v->partition, gpa, &offset))
            continue;
        uint8_t insn[MAX_INSN];
        struct mmio_insn m;
        size_t n = fetch_instruction(v->partition, insn);
        if (mmio_decode(insn, n, code_size_bits(), &m) != 0)
            partition_stop_current(-1, "%s access at RIP 0x%lx with an instruction the hypervisor cannot emulate",
                                   e->name, vmread(VMCS_GUEST_RIP));
        e->emulate(v, offset, &m);
        vmx_advance_rip_by(m.length);
        return true;
    }
    return false;
}

void exit_ept_violation(struct vcpu *v, uint64_t q)
{
    uint64_t gpa = vmread(VMCS_GUEST_PHYS_ADDR);
    if (!(q & QUAL_FETCH) && emulate_access(v, gpa))
        return;
    char linear[40] = "";
    if (q & QUAL_LINEAR_VALID)
        fmt_snprintf(linear, sizeof linear, " (guest linear 0x%lx)", vmread(VMCS_GUEST_LINEAR_ADDR));
    partition_stop_current(-1, "EPT violation: %s at GPA 0x%lx%s, RIP 0x%lx: not memory of this partition",
                           access_name(q), gpa, linear, vmread(VMCS_GUEST_RIP));
}
