/* Translating a guest-virtual address through the guest's own page tables
 * (arch/x86/guest_paging.c, pure and host-tested), for reading the
 * instruction at a guest's RIP and, later, VMRPC buffers given by virtual
 * address. Intel SDM Vol. 3A 4.3 (32-bit), 4.4 (PAE), 4.5 (4-level). */
#ifndef ARCH_X86_GUEST_PAGING_H
#define ARCH_X86_GUEST_PAGING_H

#include "hv/types.h"

struct guest_paging_state {
    uint64_t cr0, cr3, cr4, efer;
};

/* Reads 4 or 8 bytes of guest-physical memory; false when gpa is not RAM
 * of the guest. */
typedef bool (*guest_read_fn)(void *ctx, uint64_t gpa, void *buf, size_t len);

#define GVA_ACCESS_WRITE 1u
#define GVA_ACCESS_USER 2u
#define GVA_ACCESS_FETCH 4u

/* Translates gva. Paging off (CR0.PG=0): gpa = gva (truncated to 32 bits
 * outside long mode). Returns 0 with *gpa, -E_NOENT when not present or
 * the access is not permitted (write to read-only with CR0.WP or from
 * user, user to supervisor page, fetch from NX page with EFER.NXE),
 * -E_RANGE when a paging structure is not readable guest RAM, -E_INVAL
 * for reserved-bit or unsupported configurations. */
int guest_translate(const struct guest_paging_state *s, uint64_t gva, unsigned access, guest_read_fn read,
                    void *ctx, uint64_t *gpa);

#endif
