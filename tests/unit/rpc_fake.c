/* Host fakes for rpc/: see rpc_fake.h. */
#include "rpc_fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/rpc_arch.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FAKE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(FAKE_ASAN)
#define FAKE_ASAN 1
#endif
#ifdef FAKE_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* What hv/partition.c defines in the hypervisor. */
struct partition partition_table[CFG_MAX_PARTITIONS];
uint32_t partition_count;

/* glibc 2.36 (Debian 12) has no strlcpy; rpc/module.c uses hv/string.h's. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(dst, src, k);
        dst[k] = 0;
    }
    return n;
}

struct fake_ipi fake_ipis[FAKE_MAX_IPIS];
uint32_t fake_ipi_count;
uint64_t fake_tsc, fake_tsc_step = 1000;
bool fake_irq;
uint64_t fake_relaxes, fake_irq_at_relax, fake_relax_limit = 50000000;
void (*fake_relax_hook)(void *ctx);
void *fake_relax_ctx;
uint64_t fake_wait_ticks[FAKE_MAX_PARTS];
uint32_t fake_nmi_pending[FAKE_MAX_PARTS];

static uint8_t *bufs[FAKE_MAX_PARTS]; /* guard, RAM, guard */
static uint64_t ram_size;
static uint32_t nparts;

void rpc_arch_send_ipi(uint32_t apic_id, uint8_t vector)
{
    uint32_t n = __atomic_fetch_add(&fake_ipi_count, 1, __ATOMIC_RELAXED); /* tests with threads */
    if (n < FAKE_MAX_IPIS)
        fake_ipis[n] = (struct fake_ipi){apic_id, vector};
}

bool rpc_arch_irq_pending(void) { return fake_irq; }

uint64_t rpc_arch_now(void) { return fake_tsc += fake_tsc_step; }

uint64_t rpc_arch_ticks_per_us(void) { return FAKE_TICKS_PER_US; }

void rpc_arch_relax(void)
{
    fake_tsc += fake_tsc_step;
    if (++fake_relaxes == fake_irq_at_relax)
        fake_irq = true;
    if (fake_relaxes >= fake_relax_limit) {
        fprintf(stderr, "rpc_fake: a wait did not end after %llu relax steps\n", (unsigned long long)fake_relaxes);
        abort();
    }
    if (fake_relax_hook)
        fake_relax_hook(fake_relax_ctx);
}

void fake_init(const struct cfg_partition *const *cfgs, uint32_t n, uint64_t ram_bytes)
{
    if (n > FAKE_MAX_PARTS)
        abort();
    for (uint32_t i = 0; i < FAKE_MAX_PARTS; i++) {
        if (bufs[i] && (i >= n || ram_bytes != ram_size)) {
            UNPOISON(bufs[i], ram_size + 2 * FAKE_GUARD);
            free(bufs[i]);
            bufs[i] = NULL;
        }
    }
    ram_size = ram_bytes;
    nparts = n;
    memset(partition_table, 0, sizeof partition_table);
    for (uint32_t i = 0; i < n; i++) {
        if (!bufs[i]) {
            bufs[i] = malloc(ram_bytes + 2 * FAKE_GUARD);
            if (!bufs[i])
                abort();
        }
        UNPOISON(bufs[i], ram_bytes + 2 * FAKE_GUARD);
        memset(bufs[i], FAKE_GUARD_BYTE, FAKE_GUARD);
        memset(bufs[i] + FAKE_GUARD, 0, ram_bytes);
        memset(bufs[i] + FAKE_GUARD + ram_bytes, FAKE_GUARD_BYTE, FAKE_GUARD);
        POISON(bufs[i], FAKE_GUARD);
        POISON(bufs[i] + FAKE_GUARD + ram_bytes, FAKE_GUARD);
        struct partition *p = &partition_table[i];
        p->id = i;
        p->cfg = cfgs[i];
        p->state = PART_RUNNING;
        p->ram = (struct guest_ram){.count = 1, .r = {{FAKE_RAM_BASE, ram_bytes, bufs[i] + FAKE_GUARD}}};
        p->ram_bytes = ram_bytes;
        p->cpu_count = 1;
        p->apic_ids[0] = FAKE_APIC(i);
    }
    partition_count = n;
    rpc_reset();
    memset(fake_ipis, 0, sizeof fake_ipis);
    memset(fake_wait_ticks, 0, sizeof fake_wait_ticks);
    memset(fake_nmi_pending, 0, sizeof fake_nmi_pending);
    fake_ipi_count = 0;
    fake_tsc = 1000000;
    fake_tsc_step = 1000;
    fake_irq = false;
    fake_relaxes = fake_irq_at_relax = 0;
    fake_relax_hook = NULL;
    fake_relax_ctx = NULL;
}

static bool all_guard(const uint8_t *p)
{
    for (size_t i = 0; i < FAKE_GUARD; i++)
        if (p[i] != FAKE_GUARD_BYTE)
            return false;
    return true;
}

bool fake_guards_ok(void)
{
    bool ok = true;
    for (uint32_t i = 0; i < nparts; i++) {
        uint8_t *lo = bufs[i], *hi = bufs[i] + FAKE_GUARD + ram_size;
        UNPOISON(lo, FAKE_GUARD);
        UNPOISON(hi, FAKE_GUARD);
        ok = ok && all_guard(lo) && all_guard(hi);
        POISON(lo, FAKE_GUARD);
        POISON(hi, FAKE_GUARD);
    }
    return ok;
}

void *fake_ram(uint32_t part, uint64_t gpa)
{
    if (part >= nparts || gpa < FAKE_RAM_BASE || gpa - FAKE_RAM_BASE >= ram_size)
        abort();
    return bufs[part] + FAKE_GUARD + (gpa - FAKE_RAM_BASE);
}

uint64_t fake_ram_bytes(void) { return ram_size; }

uint8_t *fake_ram_host(uint32_t part) { return bufs[part] + FAKE_GUARD; }

int64_t fake_hc(uint32_t part, uint32_t op, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    const struct rpc_caller c = {&partition_table[part], FAKE_APIC(part), &fake_wait_ticks[part],
                                 &fake_nmi_pending[part]};
    const uint64_t a[RPC_ARGS] = {a0, a1, a2, a3, a4};
    return rpc_hypercall(&c, op, a);
}
