/* Boot module relocation. */
#include "hv/boot_modules.h"

#include "hv/string.h"

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

uint64_t modules_packed_size(const struct boot_info *bi)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < bi->module_count; i++)
        total += ALIGN_UP(bi->modules[i].end - bi->modules[i].start, PAGE_SIZE);
    return total;
}

/* Whether [dest, dest+len) hits an avoid range or a module's current
 * place; *conflict_base is then the lowest base among those hit, so the
 * next try can end below all of them. */
static bool find_conflict(const struct boot_info *bi, const struct mem_range *avoid, size_t navoid, uint64_t dest,
                          uint64_t len, uint64_t *conflict_base)
{
    bool found = false;
    uint64_t lowest = ~0ull;
    for (size_t i = 0; i < navoid; i++) {
        if (overlaps(dest, len, avoid[i].base, avoid[i].len) && avoid[i].base < lowest) {
            lowest = avoid[i].base;
            found = true;
        }
    }
    for (uint32_t i = 0; i < bi->module_count; i++) {
        const struct boot_module *m = &bi->modules[i];
        if (overlaps(dest, len, m->start, m->end - m->start) && m->start < lowest) {
            lowest = m->start;
            found = true;
        }
    }
    *conflict_base = lowest;
    return found;
}

/* Highest fit inside one usable range [base, end), or 0. */
static uint64_t fit_in_range(const struct boot_info *bi, const struct mem_range *avoid, size_t navoid, uint64_t base,
                             uint64_t end, uint64_t total)
{
    uint64_t top = ALIGN_DOWN(end, PAGE_SIZE);
    base = ALIGN_UP(base, PAGE_SIZE);
    while (top >= base + total && top - total >= base) {
        uint64_t dest = top - total, conflict;
        if (!find_conflict(bi, avoid, navoid, dest, total, &conflict))
            return dest;
        top = ALIGN_DOWN(conflict, PAGE_SIZE);
    }
    return 0;
}

int modules_plan(const struct boot_info *bi, const struct mem_range *avoid, size_t navoid, uint64_t limit,
                 uint64_t *dest, uint64_t *total)
{
    *total = modules_packed_size(bi);
    *dest = 0;
    if (*total == 0)
        return 0;
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct mem_range *r = &bi->mmap[i];
        if (r->type != MEM_USABLE || r->base >= limit)
            continue;
        uint64_t end = MIN(r->base + r->len, limit);
        uint64_t d = fit_in_range(bi, avoid, navoid, MAX(r->base, PAGE_SIZE), end, *total);
        if (d > *dest)
            *dest = d;
    }
    return *dest ? 0 : -E_NOMEM;
}

void modules_move(struct boot_info *bi, uint64_t dest, void *(*phys_to_virt)(uint64_t pa))
{
    for (uint32_t i = 0; i < bi->module_count; i++) {
        struct boot_module *m = &bi->modules[i];
        uint64_t size = m->end - m->start;
        memmove(phys_to_virt(dest), phys_to_virt(m->start), size);
        m->start = dest;
        m->end = dest + size;
        dest += ALIGN_UP(size, PAGE_SIZE);
    }
}
