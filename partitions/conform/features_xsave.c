/* XSAVE (SDM Vol. 1 13, Vol. 3A 2.6): with CR4.OSXSAVE set, XSETBV each
 * state-component group CPUID.0xD allows (cumulatively, in the order
 * XCR0's rules need), XGETBV it back, and the save-area size CPUID.0xD
 * reports for it; XSETBV values that must #GP; XSAVE/XRSTOR and the
 * XSAVEOPT/XSAVEC/XSAVES forms advertised. XCR0 and CR4 are left as
 * found. */
#include "partitions/conform/conform.h"
#include "partitions/conform/cpu.h"

#define MSR_XSS 0xDA0

struct xsave_group {
    const char *name;
    uint64_t bits;
};

/* XCR0 groups (SDM Vol. 1 13.3): AVX needs SSE, MPX's two bits and
 * AVX-512's three go together, AVX-512 needs AVX. */
static const struct xsave_group groups[] = {
    {"x87", 0x1}, {"sse", 0x2}, {"avx", 0x4}, {"mpx", 0x18}, {"avx512", 0xE0}, {"pkru", 0x200}, {"amx", 0x60000},
};

static uint8_t area[4096] __attribute__((aligned(64)));

static inline uint64_t xgetbv(uint32_t index)
{
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
    return ((uint64_t)hi << 32) | lo;
}

struct xcr_write {
    uint32_t index;
    uint64_t value;
};

static void do_xsetbv(void *p)
{
    struct xcr_write *w = p;
    __asm__ __volatile__("xsetbv" : : "c"(w->index), "a"((uint32_t)w->value), "d"((uint32_t)(w->value >> 32))
                         : "memory");
}

static int try_xsetbv(uint32_t index, uint64_t value)
{
    struct xcr_write w = {index, value};
    return conf_try(do_xsetbv, &w);
}

static void do_xgetbv1(void *p) { *(uint64_t *)p = xgetbv(1); }

/* XSAVE-family instruction on `area` with the requested-feature bitmap
 * EDX:EAX = all ones (SDM Vol. 1 13.7: masked by XCR0, and XSS for
 * XSAVES), followed by the matching restore. */
#define XSAVE_FN(fn, save, restore)                                                                          \
    static void fn(void *p)                                                                                  \
    {                                                                                                        \
        (void)p;                                                                                             \
        __asm__ __volatile__(save " %0\n\t" restore " %0" : "+m"(area) : "a"(~0u), "d"(~0u) : "memory");     \
    }
XSAVE_FN(do_xsave, "xsave", "xrstor")
XSAVE_FN(do_xsaveopt, "xsaveopt", "xrstor")
XSAVE_FN(do_xsavec, "xsavec", "xrstor")
XSAVE_FN(do_xsaves, "xsaves", "xrstors")

static void set_groups(uint64_t supported)
{
    uint64_t xcr0 = 0;
    for (unsigned i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        const struct xsave_group *g = &groups[i];
        const char *key = feat_key("feat.xsetbv.", g->name);
        if ((supported & g->bits) != g->bits) {
            conf(key, "not-advertised");
            continue;
        }
        int v = try_xsetbv(0, xcr0 | g->bits);
        if (v >= 0) {
            conf(key, "%s", conf_try_name(v));
            continue;
        }
        xcr0 |= g->bits;
        conf(key, "%s", xgetbv(0) == xcr0 ? "ok" : "readback-differs");
        /* EBX: the size XSAVE needs for what XCR0 now enables. */
        conf(feat_key("feat.xsave.size.", g->name), "%u", conf_cpuid(0xD, 0).ebx);
    }
}

/* XSETBV's #GP(0) cases (SDM Vol. 2C XSETBV): XCR0[0] clear, AVX without
 * SSE, a bit CPUID.0xD does not allow, an XCR other than 0. */
static void invalid_xsetbv(uint64_t supported)
{
    conf("feat.xsetbv.no_x87", "%s", conf_try_name(try_xsetbv(0, 0x2)));
    if (supported & 0x4)
        conf("feat.xsetbv.avx_without_sse", "%s", conf_try_name(try_xsetbv(0, 0x5)));
    uint64_t unsupported = ~supported & ~(1ull << 63);
    unsupported &= -unsupported; /* the lowest bit not allowed */
    conf("feat.xsetbv.unsupported_bit", "%s", conf_try_name(try_xsetbv(0, 0x1 | unsupported)));
    conf("feat.xsetbv.xcr1", "%s", conf_try_name(try_xsetbv(1, 0x1)));
}

static void save_forms(void)
{
    uint32_t need = conf_cpuid(0xD, 0).ebx;
    if (need > sizeof area) {
        conf("feat.xsave.exec", "area-too-big");
        return;
    }
    conf("feat.xsave.exec", "%s", conf_try_name(conf_try(do_xsave, 0)));
    if (cpuid_bit(0xD, 1, 'a', 0))
        conf("feat.xsaveopt.exec", "%s", conf_try_name(conf_try(do_xsaveopt, 0)));
    if (cpuid_bit(0xD, 1, 'a', 1))
        conf("feat.xsavec.exec", "%s", conf_try_name(conf_try(do_xsavec, 0)));
    if (cpuid_bit(0xD, 1, 'a', 2)) {
        uint64_t v;
        conf("feat.xgetbv1.exec", "%s", conf_try_name(conf_try(do_xgetbv1, &v)));
    }
    if (cpuid_bit(0xD, 1, 'a', 3)) {
        uint64_t xss;
        int r = conf_rdmsr(MSR_XSS, &xss);
        conf("feat.msr.xss.read", "%s", conf_fault_name(r));
        if (!r)
            conf("feat.msr.xss.value", "0x%llx", xss);
        conf("feat.xsaves.exec", "%s", conf_try_name(conf_try(do_xsaves, 0)));
    }
}

void probe_xsave(void)
{
    if (!cpuid_bit(1, 0, 'c', 26)) {
        feat_not_advertised("xsave");
        return;
    }
    struct conf_cpuid d = conf_cpuid(0xD, 0);
    uint64_t supported = ((uint64_t)d.edx << 32) | d.eax;
    conf("feat.xsave.supported_xcr0", "0x%llx", supported);
    conf("feat.xsave.max_size", "%u", d.ecx);

    uint32_t cr4 = read_cr4();
    int v = cr4_try_write(cr4 | CR4_OSXSAVE);
    conf("feat.xsave.enable", "%s", conf_try_name(v));
    if (v >= 0)
        return;
    uint64_t initial = xgetbv(0);
    conf("feat.xgetbv.initial", "0x%llx", initial);
    set_groups(supported);
    save_forms();
    invalid_xsetbv(supported);
    conf("feat.xsetbv.restore", "%s", conf_try_name(try_xsetbv(0, initial)));
    write_cr4(cr4);
}
