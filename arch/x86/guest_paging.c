/* Guest-virtual to guest-physical translation through the guest's own
 * paging structures (arch/x86/guest_paging.h). Intel SDM Vol. 3A:
 * 4.3 32-bit paging, 4.4 PAE paging, 4.5 4-level paging, 4.6 access
 * rights.
 *
 * The walk only reads guest memory: accessed and dirty bits are not set
 * (the CPU already set them when the guest itself used the mapping).
 * SMEP, SMAP and protection keys are not modelled: the callers read memory
 * on the guest's behalf with the permissions named in `access`.
 * Reserved bits checked (SDM 3A 4.3-4.5, "reserved bit" conditions): XD
 * with EFER.NXE = 0, PS in a PML4E, the low bits of a large page's address
 * field, PAE PDPTE bits 2:1, 8:5 and 63. MAXPHYADDR is taken as 52. */
#include "arch/x86/guest_paging.h"

#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_PS (1ull << 7)
#define PTE_XD (1ull << 63)
#define ADDR_52 0x000ffffffffff000ull /* bits 51:12 */

/* PAE PDPTE reserved bits besides MAXPHYADDR (SDM 3A Table 4-8). */
#define PDPTE_RSVD (0x6ull | 0x1e0ull | PTE_XD)

/* Rights accumulated over the walk (SDM 3A 4.6.1: a write needs R/W = 1
 * and a user access U/S = 1 in every entry; XD in any entry forbids
 * fetches). */
struct walk {
    const struct guest_paging_state *s;
    guest_read_fn read;
    void *ctx;
    bool rw, us, xd;
};

static int read_entry(struct walk *w, uint64_t gpa, size_t len, uint64_t *e)
{
    uint32_t v32;
    if (len == 4) {
        if (!w->read(w->ctx, gpa, &v32, 4))
            return -E_RANGE;
        *e = v32;
        return E_OK;
    }
    return w->read(w->ctx, gpa, e, 8) ? E_OK : -E_RANGE;
}

/* Folds one present entry's rights into the walk. */
static void accumulate(struct walk *w, uint64_t e)
{
    w->rw = w->rw && (e & PTE_RW);
    w->us = w->us && (e & PTE_US);
    w->xd = w->xd || (e & PTE_XD);
}

/* SDM 3A 4.6.1. */
static int check_access(const struct walk *w, unsigned access)
{
    bool user = access & GVA_ACCESS_USER;
    if (user && !w->us)
        return -E_NOENT;
    if ((access & GVA_ACCESS_WRITE) && !w->rw && (user || (w->s->cr0 & CR0_WP)))
        return -E_NOENT;
    if ((access & GVA_ACCESS_FETCH) && w->xd && (w->s->efer & EFER_NXE))
        return -E_NOENT;
    return E_OK;
}

/* A present 64-bit-format entry (PAE or 4-level) with XD set while
 * EFER.NXE = 0 has a reserved bit set (SDM 3A 4.4.2, 4.5.4). */
static bool xd_reserved(const struct walk *w, uint64_t e)
{
    return (e & PTE_XD) && !(w->s->efer & EFER_NXE);
}

/* Walks 64-bit-format tables from `table` (PD for PAE, PML4 for 4-level)
 * down to the leaf; `level` is 2 (PD) to 4 (PML4), indices from gva bits
 * 12 + 9 * (level - 1) upwards. */
static int walk64(struct walk *w, uint64_t table, unsigned level, uint64_t gva, uint64_t *gpa)
{
    for (;; level--) {
        unsigned shift = 12 + 9 * (level - 1);
        uint64_t e;
        int err = read_entry(w, table + ((gva >> shift) & 511) * 8, 8, &e);
        if (err)
            return err;
        if (!(e & PTE_P))
            return -E_NOENT;
        if (xd_reserved(w, e) || (level == 4 && (e & PTE_PS)))
            return -E_INVAL;
        accumulate(w, e);
        if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
            uint64_t page = 1ull << shift;
            /* Large pages: bit 12 is PAT, bits shift-1:13 are reserved. */
            uint64_t rsvd = level == 1 ? 0 : (page - 1) & ~0x1fffull;
            if (e & rsvd)
                return -E_INVAL;
            *gpa = (e & ADDR_52 & ~(page - 1)) | (gva & (page - 1));
            return E_OK;
        }
        table = e & ADDR_52;
    }
}

/* SDM 3A 4.5: 4-level paging; the address must be canonical (bits 63:47
 * equal), otherwise the access would fault with #GP, not #PF. */
static int walk_4level(struct walk *w, uint64_t gva, uint64_t *gpa)
{
    uint64_t top = gva >> 47;
    if (w->s->cr4 & CR4_LA57)
        return -E_INVAL; /* 5-level paging is not supported */
    if (top != 0 && top != 0x1ffff)
        return -E_INVAL;
    return walk64(w, w->s->cr3 & ADDR_52, 4, gva, gpa);
}

/* SDM 3A 4.4.1: CR3 bits 31:5 locate four PDPTEs indexed by gva 31:30.
 * The CPU caches them at MOV to CR3; reading them from memory again gives
 * the same result unless the guest changed them without reloading CR3. */
static int walk_pae(struct walk *w, uint64_t gva, uint64_t *gpa)
{
    uint64_t pdpte;
    int err = read_entry(w, (w->s->cr3 & 0xffffffe0ull) + ((gva >> 30) & 3) * 8, 8, &pdpte);
    if (err)
        return err;
    if (!(pdpte & PTE_P))
        return -E_NOENT;
    if (pdpte & PDPTE_RSVD)
        return -E_INVAL;
    return walk64(w, pdpte & ADDR_52, 2, gva, gpa);
}

/* SDM 3A 4.3: two levels of 1024 4-byte entries; a PDE with PS = 1 maps
 * 4 MiB when CR4.PSE = 1, its bits 20:13 giving address bits 39:32
 * (PSE-36) and bit 21 reserved. */
static int walk_32bit(struct walk *w, uint64_t gva, uint64_t *gpa)
{
    uint64_t pde, pte;
    int err = read_entry(w, (w->s->cr3 & 0xfffff000ull) + ((gva >> 22) & 1023) * 4, 4, &pde);
    if (err)
        return err;
    if (!(pde & PTE_P))
        return -E_NOENT;
    accumulate(w, pde);
    if ((pde & PTE_PS) && (w->s->cr4 & CR4_PSE)) {
        if (pde & (1ull << 21))
            return -E_INVAL;
        *gpa = (pde & 0xffc00000ull) | ((pde & 0x1fe000ull) << 19) | (gva & 0x3fffff);
        return E_OK;
    }
    err = read_entry(w, (pde & 0xfffff000ull) + ((gva >> 12) & 1023) * 4, 4, &pte);
    if (err)
        return err;
    if (!(pte & PTE_P))
        return -E_NOENT;
    accumulate(w, pte);
    *gpa = (pte & 0xfffff000ull) | (gva & 0xfff);
    return E_OK;
}

int guest_translate(const struct guest_paging_state *s, uint64_t gva, unsigned access, guest_read_fn read,
                    void *ctx, uint64_t *gpa)
{
    struct walk w = {.s = s, .read = read, .ctx = ctx, .rw = true, .us = true, .xd = false};
    uint64_t out = 0;
    int err;
    bool long_mode = s->efer & EFER_LMA;

    if (!long_mode)
        gva &= 0xffffffffull;
    if (!(s->cr0 & CR0_PG)) {
        *gpa = gva;
        return E_OK;
    }
    if (long_mode && !(s->cr4 & CR4_PAE))
        return -E_INVAL; /* IA-32e mode requires PAE (SDM 3A 4.1.2) */
    if (long_mode)
        err = walk_4level(&w, gva, &out);
    else if (s->cr4 & CR4_PAE)
        err = walk_pae(&w, gva, &out);
    else
        err = walk_32bit(&w, gva, &out);
    if (!err)
        err = check_access(&w, access);
    if (!err)
        *gpa = out;
    return err;
}
