/* Tests for arch/x86/guest_paging.c. Guest-physical memory is a host buffer
 * at gpa 0..MEM_SIZE; the reader refuses anything beyond it, which stands
 * for "not guest RAM". Page tables are built by hand for each mode. */
#include <string.h>

#include "arch/x86/guest_paging.h"
#include "unit.h"

#define MEM_SIZE 0x40000u
#define OUTSIDE 0x80000000ull /* a gpa the reader refuses */

#define CR0_PE (1ull << 0)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

#define P 1ull
#define RW 2ull
#define US 4ull
#define PS 0x80ull
#define XD (1ull << 63)

#define W GVA_ACCESS_WRITE
#define U GVA_ACCESS_USER
#define X GVA_ACCESS_FETCH

static _Alignas(4096) uint8_t mem[MEM_SIZE];
static unsigned reads;

static bool reader(void *ctx, uint64_t gpa, void *buf, size_t len)
{
    CHECK(ctx == mem);
    CHECK(len == 4 || len == 8);
    reads++;
    if (gpa > MEM_SIZE || len > MEM_SIZE - gpa)
        return false;
    memcpy(buf, mem + gpa, len);
    return true;
}

static void put32(uint64_t gpa, uint64_t v)
{
    uint32_t x = (uint32_t)v;
    memcpy(mem + gpa, &x, 4);
}
static void put64(uint64_t gpa, uint64_t v) { memcpy(mem + gpa, &v, 8); }

static struct guest_paging_state st;

static int tr(uint64_t gva, unsigned access, uint64_t *gpa)
{
    *gpa = 0xdeadull;
    return guest_translate(&st, gva, access, reader, mem, gpa);
}

/* Expects a successful translation of gva to want. */
#define CHECK_TR(gva, access, want)                      \
    do {                                                 \
        uint64_t got_;                                   \
        CHECK_EQ(tr((gva), (access), &got_), 0);         \
        CHECK_EQ(got_, (want));                          \
    } while (0)

/* Expects failure with -code and *gpa left alone. */
#define CHECK_FAIL(gva, access, code)                    \
    do {                                                 \
        uint64_t got_;                                   \
        CHECK_EQ(tr((gva), (access), &got_), -(code));   \
        CHECK_EQ(got_, 0xdeadull);                       \
    } while (0)

static void reset(uint64_t cr0, uint64_t cr3, uint64_t cr4, uint64_t efer)
{
    memset(mem, 0, sizeof mem);
    st = (struct guest_paging_state){.cr0 = cr0, .cr3 = cr3, .cr4 = cr4, .efer = efer};
    reads = 0;
}

/* ------------------------------------------------------------- paging off */

TEST(paging_off_identity)
{
    reset(CR0_PE, 0, 0, 0);
    CHECK_TR(0x12345678, W | U | X, 0x12345678);
    CHECK_TR(0x1234567812345678ull, 0, 0x12345678); /* 32 bits outside long mode */
    CHECK_EQ(reads, 0);
}

/* ---------------------------------------------------------- 32-bit paging */

/* PD at 0x1000, PT at 0x2000 for gva 0x00400000-0x007fffff. */
static void setup_32(uint64_t pde_flags, uint64_t pte_flags)
{
    reset(CR0_PE | CR0_PG | CR0_WP, 0x1000, CR4_PSE, 0);
    put32(0x1000 + 1 * 4, 0x2000 | pde_flags);
    put32(0x2000 + 5 * 4, 0xabcde000 | pte_flags);
}

TEST(paging32_4k_page)
{
    setup_32(P | RW | US, P | RW | US);
    CHECK_TR(0x00405123, 0, 0xabcde123);
    CHECK_TR(0x00405fff, W | U | X, 0xabcdefff);
    CHECK_TR(0xffffffff00405123ull, 0, 0xabcde123); /* truncated to 32 bits */
    st.cr3 |= 0x18;                                 /* PWT/PCD bits are not address */
    CHECK_TR(0x00405123, 0, 0xabcde123);
}

TEST(paging32_not_present)
{
    setup_32(P | RW | US, P | RW | US);
    CHECK_FAIL(0x00005000, 0, E_NOENT);   /* PDE 0 empty */
    CHECK_FAIL(0x00406000, 0, E_NOENT);   /* PTE 6 empty */
    put32(0x1000 + 4, 0x2000 | RW | US); /* PDE not present, rest set */
    CHECK_FAIL(0x00405123, 0, E_NOENT);
    setup_32(P | RW | US, RW | US);
    CHECK_FAIL(0x00405123, 0, E_NOENT);
}

TEST(paging32_4m_page)
{
    reset(CR0_PE | CR0_PG, 0x1000, CR4_PSE, 0);
    put32(0x1000 + 0x300 * 4, 0x12c00000 | PS | P | RW);
    CHECK_TR(0xc0123456, 0, 0x12d23456);
    CHECK_TR(0xc03fffff, W, 0x12ffffff);
    /* PSE-36: PDE bits 20:13 are address bits 39:32. */
    put32(0x1000 + 0x300 * 4, 0x12c00000 | (0x5aull << 13) | PS | P);
    CHECK_TR(0xc0123456, 0, 0x5a12d23456ull);
    put32(0x1000 + 0x300 * 4, 0x12c00000 | (1ull << 21) | PS | P); /* reserved */
    CHECK_FAIL(0xc0123456, 0, E_INVAL);
}

TEST(paging32_ps_ignored_without_pse)
{
    reset(CR0_PE | CR0_PG, 0x1000, 0, 0);
    put32(0x1000 + 1 * 4, 0x2000 | PS | P | RW);
    put32(0x2000 + 5 * 4, 0x7000 | P | RW);
    CHECK_TR(0x00405123, 0, 0x7123); /* PS ignored: the PDE points to a table */
}

TEST(paging32_user_supervisor)
{
    setup_32(P | RW | US, P | RW);
    CHECK_TR(0x00405123, 0, 0xabcde123);
    CHECK_FAIL(0x00405123, U, E_NOENT);
    setup_32(P | RW, P | RW | US); /* U/S must be 1 at both levels */
    CHECK_FAIL(0x00405123, U, E_NOENT);
    CHECK_FAIL(0x00405123, U | X, E_NOENT);
    setup_32(P | RW | US, P | RW | US);
    CHECK_TR(0x00405123, U, 0xabcde123);
}

TEST(paging32_write_protect)
{
    setup_32(P | RW | US, P | US); /* read-only page */
    CHECK_TR(0x00405123, 0, 0xabcde123);
    CHECK_TR(0x00405123, U, 0xabcde123);
    CHECK_FAIL(0x00405123, W, E_NOENT); /* CR0.WP = 1 */
    CHECK_FAIL(0x00405123, W | U, E_NOENT);
    st.cr0 &= ~CR0_WP;
    CHECK_TR(0x00405123, W, 0xabcde123); /* supervisor may write with WP = 0 */
    CHECK_FAIL(0x00405123, W | U, E_NOENT);
    setup_32(P | US, P | RW | US); /* R/W combines across levels */
    CHECK_FAIL(0x00405123, W, E_NOENT);
    CHECK_FAIL(0x00405123, W | U, E_NOENT);
    CHECK_TR(0x00405123, X | U, 0xabcde123); /* no NX in 32-bit paging */
}

TEST(paging32_unreadable_tables)
{
    reset(CR0_PE | CR0_PG, OUTSIDE, 0, 0);
    CHECK_FAIL(0x00405123, 0, E_RANGE);
    reset(CR0_PE | CR0_PG, 0x1000, 0, 0);
    put32(0x1000 + 4, OUTSIDE | P | RW);
    CHECK_FAIL(0x00405123, 0, E_RANGE);
    put32(0x1000 + 4, (MEM_SIZE - 0x1000) | P | RW); /* PT in the last page of RAM */
    put32(MEM_SIZE - 0x1000 + 5 * 4, 0x3000 | P);
    CHECK_TR(0x00405123, 0, 0x3123);
}

/* ------------------------------------------------------------ PAE paging */

/* PDPT at 0x1020 (32-byte aligned, not page aligned), PD at 0x2000, PT at
 * 0x3000; gva 0x80000000 + 0x00200000 * pd_index + ... */
static void setup_pae(uint64_t efer, uint64_t pde_flags, uint64_t pte_flags)
{
    reset(CR0_PE | CR0_PG | CR0_WP, 0x1020, CR4_PAE, efer);
    put64(0x1020 + 2 * 8, 0x2000 | P);
    put64(0x2000 + 3 * 8, 0x3000 | pde_flags);
    put64(0x3000 + 0x45 * 8, 0x123456789000ull | pte_flags);
}

TEST(pae_4k_page)
{
    setup_pae(0, P | RW | US, P | RW | US);
    CHECK_TR(0x80645abc, W | U | X, 0x123456789abcull);
    CHECK_TR(0xaaaaaaaa80645abcull, 0, 0x123456789abcull); /* truncated */
    st.cr3 |= 0x18;                                        /* bits 4:3 are PWT/PCD */
    CHECK_TR(0x80645abc, 0, 0x123456789abcull);
}

TEST(pae_2m_page)
{
    setup_pae(0, 0, 0);
    put64(0x2000 + 4 * 8, 0x3fe00000ull | PS | P | RW);
    CHECK_TR(0x8089abcd, W, 0x3fe9abcdull);
    put64(0x2000 + 4 * 8, 0x3fe00000ull | 0x1000 | PS | P); /* bit 12 = PAT */
    CHECK_TR(0x8089abcd, 0, 0x3fe9abcdull);
    put64(0x2000 + 4 * 8, 0x3fe00000ull | 0x100000 | PS | P); /* reserved */
    CHECK_FAIL(0x8089abcd, 0, E_INVAL);
}

TEST(pae_not_present)
{
    setup_pae(0, P | RW, P | RW);
    CHECK_FAIL(0x00645abc, 0, E_NOENT); /* PDPTE 0 */
    CHECK_FAIL(0x80845abc, 0, E_NOENT); /* PDE 4 */
    CHECK_FAIL(0x80646abc, 0, E_NOENT); /* PTE 0x46 */
    put64(0x1020 + 2 * 8, 0x2000);      /* PDPTE not present */
    CHECK_FAIL(0x80645abc, 0, E_NOENT);
}

TEST(pae_pdpte_reserved_bits)
{
    static const uint64_t bits[] = {RW, US, 0x20, 0x40, PS, 0x100, XD};
    for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        setup_pae(EFER_NXE, P | RW, P | RW);
        put64(0x1020 + 2 * 8, 0x2000 | P | bits[i]);
        CHECK_FAIL(0x80645abc, 0, E_INVAL);
    }
    setup_pae(0, P | RW, P | RW);
    put64(0x1020 + 2 * 8, 0x2000 | P | 0x18 | 0x200); /* PWT, PCD, ignored bit */
    CHECK_TR(0x80645abc, 0, 0x123456789abcull);
}

TEST(pae_rights_ignore_pdpte)
{
    /* PDPTEs carry no R/W or U/S (SDM 3A 4.4.1): the PDE and PTE decide. */
    setup_pae(0, P | RW | US, P | RW | US);
    CHECK_TR(0x80645abc, W | U, 0x123456789abcull);
    setup_pae(0, P | US, P | RW | US);
    CHECK_FAIL(0x80645abc, W, E_NOENT);
    setup_pae(0, P | RW | US, P | RW);
    CHECK_FAIL(0x80645abc, U, E_NOENT);
}

TEST(pae_execute_disable)
{
    setup_pae(EFER_NXE, P | RW | XD, P | RW);
    CHECK_TR(0x80645abc, W, 0x123456789abcull);
    CHECK_FAIL(0x80645abc, X, E_NOENT);
    setup_pae(0, P | RW | XD, P | RW); /* XD reserved without NXE */
    CHECK_FAIL(0x80645abc, 0, E_INVAL);
    setup_pae(0, P | RW, P | RW | XD);
    CHECK_FAIL(0x80645abc, 0, E_INVAL);
    setup_pae(EFER_NXE, P | RW, P | RW);
    CHECK_TR(0x80645abc, X, 0x123456789abcull);
}

TEST(pae_unreadable_tables)
{
    reset(CR0_PE | CR0_PG, (uint32_t)OUTSIDE, CR4_PAE, 0);
    CHECK_FAIL(0x80645abc, 0, E_RANGE);
    setup_pae(0, P | RW, P | RW);
    put64(0x1020 + 2 * 8, OUTSIDE | P);
    CHECK_FAIL(0x80645abc, 0, E_RANGE);
    setup_pae(0, P | RW, P | RW);
    put64(0x2000 + 3 * 8, 0x100000000ull | P | RW); /* PT above 4 GiB, not RAM */
    CHECK_FAIL(0x80645abc, 0, E_RANGE);
}

/* -------------------------------------------------------- 4-level paging */

#define LM_EFER (EFER_LME | EFER_LMA | EFER_NXE)
/* gva 0x0000_7f80_c060_5abc: PML4 255, PDPT 3, PD 3, PT 5. */
#define GVA 0x00007f80c0605abcull

static void setup_4l(uint64_t f4, uint64_t f3, uint64_t f2, uint64_t f1)
{
    reset(CR0_PE | CR0_PG | CR0_WP, 0x1000, CR4_PAE, LM_EFER);
    put64(0x1000 + 255 * 8, 0x2000 | f4);
    put64(0x2000 + 3 * 8, 0x3000 | f3);
    put64(0x3000 + 3 * 8, 0x4000 | f2);
    put64(0x4000 + 5 * 8, 0xfedcba9876000ull | f1);
}

#define ALL (P | RW | US)

TEST(lm_4k_page)
{
    setup_4l(ALL, ALL, ALL, ALL);
    CHECK_TR(GVA, W | U | X, 0xfedcba9876abcull);
    st.cr3 |= 0x123; /* PCID bits are not address */
    CHECK_TR(GVA, 0, 0xfedcba9876abcull);
    /* Bits 62:52 of a PTE are ignored or protection keys, not address. */
    put64(0x4000 + 5 * 8, 0x7ff0000000000000ull | 0xfedcba9876000ull | ALL);
    CHECK_TR(GVA, 0, 0xfedcba9876abcull);
}

TEST(lm_high_half)
{
    reset(CR0_PE | CR0_PG, 0x1000, CR4_PAE, LM_EFER);
    put64(0x1000 + 511 * 8, 0x2000 | P | RW);
    put64(0x2000 + 510 * 8, 0x3000 | P | RW);
    put64(0x3000 + 1 * 8, 0x00200000 | PS | P | RW);
    CHECK_TR(0xffffffff80212345ull, 0, 0x212345);
}

TEST(lm_2m_page)
{
    setup_4l(ALL, ALL, 0, 0);
    put64(0x3000 + 3 * 8, 0x7654321e00000ull | PS | ALL);
    CHECK_TR(GVA, W | U, 0x7654321e05abcull);
    CHECK_TR(GVA | 0x1fffff, 0, 0x7654321ffffffull);
    put64(0x3000 + 3 * 8, 0x7654321e00000ull | 0x1000 | PS | ALL); /* PAT */
    CHECK_TR(GVA, 0, 0x7654321e05abcull);
    put64(0x3000 + 3 * 8, 0x7654321e00000ull | 0x2000 | PS | ALL); /* reserved */
    CHECK_FAIL(GVA, 0, E_INVAL);
}

TEST(lm_1g_page)
{
    setup_4l(ALL, 0, 0, 0);
    put64(0x2000 + 3 * 8, 0x3c0000000ull | PS | ALL);
    CHECK_TR(GVA, W, 0x3c0605abcull);
    CHECK_TR(GVA | 0x3fffffff, 0, 0x3ffffffffull);
    put64(0x2000 + 3 * 8, 0x3c0000000ull | 0x20000000 | PS | ALL); /* reserved 29:13 */
    CHECK_FAIL(GVA, 0, E_INVAL);
    put64(0x2000 + 3 * 8, 0x3c0000000ull | 0x2000 | PS | ALL);
    CHECK_FAIL(GVA, 0, E_INVAL);
}

TEST(lm_not_present_each_level)
{
    for (unsigned level = 4; level >= 1; level--) {
        setup_4l(ALL, ALL, ALL, ALL);
        static const uint64_t at[] = {0, 0x4000 + 5 * 8, 0x3000 + 3 * 8, 0x2000 + 3 * 8, 0x1000 + 255 * 8};
        uint64_t e;
        memcpy(&e, mem + at[level], 8);
        put64(at[level], e & ~P);
        CHECK_FAIL(GVA, 0, E_NOENT);
        put64(at[level], 0);
        CHECK_FAIL(GVA, 0, E_NOENT);
    }
}

TEST(lm_unreadable_each_level)
{
    reset(CR0_PE | CR0_PG, OUTSIDE, CR4_PAE, LM_EFER);
    CHECK_FAIL(GVA, 0, E_RANGE);
    static const uint64_t at[] = {0x1000 + 255 * 8, 0x2000 + 3 * 8, 0x3000 + 3 * 8};
    for (unsigned i = 0; i < 3; i++) {
        setup_4l(ALL, ALL, ALL, ALL);
        put64(at[i], OUTSIDE | ALL);
        CHECK_FAIL(GVA, 0, E_RANGE);
    }
}

TEST(lm_ps_in_pml4_reserved)
{
    setup_4l(ALL | PS, ALL, ALL, ALL);
    CHECK_FAIL(GVA, 0, E_INVAL);
}

TEST(lm_xd_without_nxe_reserved)
{
    for (unsigned level = 1; level <= 4; level++) {
        setup_4l(ALL | (level == 4 ? XD : 0), ALL | (level == 3 ? XD : 0), ALL | (level == 2 ? XD : 0),
                 ALL | (level == 1 ? XD : 0));
        CHECK_TR(GVA, 0, 0xfedcba9876abcull); /* NXE = 1: a read is fine */
        CHECK_FAIL(GVA, X, E_NOENT);          /* XD at any level forbids fetch */
        st.efer &= ~EFER_NXE;
        CHECK_FAIL(GVA, 0, E_INVAL);
    }
}

TEST(lm_user_supervisor_each_level)
{
    for (unsigned level = 1; level <= 4; level++) {
        setup_4l(level == 4 ? P | RW : ALL, level == 3 ? P | RW : ALL, level == 2 ? P | RW : ALL,
                 level == 1 ? P | RW : ALL);
        CHECK_TR(GVA, W | X, 0xfedcba9876abcull);
        CHECK_FAIL(GVA, U, E_NOENT);
        CHECK_FAIL(GVA, U | X, E_NOENT);
    }
}

TEST(lm_read_only_each_level)
{
    for (unsigned level = 1; level <= 4; level++) {
        setup_4l(level == 4 ? P | US : ALL, level == 3 ? P | US : ALL, level == 2 ? P | US : ALL,
                 level == 1 ? P | US : ALL);
        CHECK_TR(GVA, U, 0xfedcba9876abcull);
        CHECK_FAIL(GVA, W, E_NOENT);
        CHECK_FAIL(GVA, W | U, E_NOENT);
        st.cr0 &= ~CR0_WP;
        CHECK_TR(GVA, W, 0xfedcba9876abcull);
        CHECK_FAIL(GVA, W | U, E_NOENT);
    }
}

TEST(lm_rights_of_large_pages)
{
    setup_4l(ALL, ALL, 0, 0);
    put64(0x3000 + 3 * 8, 0x200000 | PS | P | XD); /* 2 MiB, RO, supervisor, NX */
    CHECK_TR(GVA, 0, 0x205abc);
    CHECK_FAIL(GVA, W, E_NOENT);
    CHECK_FAIL(GVA, U, E_NOENT);
    CHECK_FAIL(GVA, X, E_NOENT);
}

TEST(lm_non_canonical)
{
    setup_4l(ALL, ALL, ALL, ALL);
    CHECK_FAIL(0x0000800000000000ull, 0, E_INVAL);
    CHECK_FAIL(0xffff7fffffffffffull, 0, E_INVAL);
    CHECK_FAIL(0x00017f80c0605abcull, 0, E_INVAL);
    CHECK_EQ(reads, 0);
}

TEST(lm_unsupported_configurations)
{
    setup_4l(ALL, ALL, ALL, ALL);
    st.cr4 |= CR4_LA57;
    CHECK_FAIL(GVA, 0, E_INVAL); /* 5-level paging */
    setup_4l(ALL, ALL, ALL, ALL);
    st.cr4 &= ~CR4_PAE;
    CHECK_FAIL(GVA, 0, E_INVAL); /* IA-32e without PAE */
    CHECK_EQ(reads, 0);
}

TEST(lm_paging_off_keeps_64_bits)
{
    reset(CR0_PE, 0, CR4_PAE, EFER_LMA);
    CHECK_TR(0x123456789ull, 0, 0x123456789ull);
}
