/* Instructions behind advertised features, each run under conf_try:
 * "feat.<name> ok|#UD|#GP|...". Only instructions whose effect stays
 * inside this CPU and this kernel (no MWAIT: nothing would wake it). */
#include "partitions/conform/conform.h"
#include "partitions/conform/cpu.h"

#define MSR_TSC_AUX 0xC0000103u
#define TSC_AUX_MARK 0x2A

static volatile uint32_t scratch[16] __attribute__((aligned(64)));
static uint32_t last_value;

static void do_rdtscp(void *p)
{
    uint32_t lo, hi, aux;
    __asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    (void)lo, (void)hi;
    *(uint32_t *)p = aux;
}

static void do_rdpid(void *p)
{
    uint32_t v;
    /* RDPID r32 (F3 0F C7 /7), spelled out for older assemblers. */
    __asm__ __volatile__(".byte 0xf3, 0x0f, 0xc7, 0xf8" : "=a"(v)); /* rdpid %eax */
    *(uint32_t *)p = v;
}

/* RDRAND/RDSEED may return CF=0 when the source is drained (SDM Vol. 1
 * 7.3.17): retry a few times; "ok" once one delivers. */
static void do_rdrand(void *p)
{
    uint8_t cf = 0;
    for (int i = 0; i < 100 && !cf; i++)
        __asm__ __volatile__("rdrand %0; setc %1" : "=r"(last_value), "=qm"(cf));
    *(int *)p = cf;
}

static void do_rdseed(void *p)
{
    uint8_t cf = 0;
    for (int i = 0; i < 100 && !cf; i++)
        __asm__ __volatile__("rdseed %0; setc %1" : "=r"(last_value), "=qm"(cf));
    *(int *)p = cf;
}

static void do_clflush(void *p) { (void)p; __asm__ __volatile__("clflush %0" : "+m"(scratch[0])); }
static void do_clflushopt(void *p) { (void)p; __asm__ __volatile__("clflushopt %0" : "+m"(scratch[0])); }
static void do_clwb(void *p) { (void)p; __asm__ __volatile__("clwb %0" : "+m"(scratch[0])); }
static void do_monitor(void *p) { (void)p; __asm__ __volatile__("monitor" : : "a"(scratch), "c"(0), "d"(0)); }
static void do_stac_clac(void *p) { (void)p; __asm__ __volatile__("stac; clac" ::: "cc"); }
static void do_wbinvd(void *p) { (void)p; __asm__ __volatile__("wbinvd" ::: "memory"); }
static void do_fpu(void *p) { (void)p; __asm__ __volatile__("fninit; fld1; fstp %%st(0)" ::: "memory"); }
static void do_sse(void *p) { (void)p; __asm__ __volatile__(".byte 0x0f, 0x57, 0xc0"); } /* xorps %xmm0,%xmm0 */
static void do_rdfsbase(void *p) { (void)p; __asm__ __volatile__(".byte 0xf3, 0x0f, 0xae, 0xc0" ::: "eax"); }

struct invpcid_desc {
    uint64_t pcid, addr;
} __attribute__((aligned(16)));

/* INVPCID type 2, all contexts including globals; type 0 with PCID 1,
 * which must #GP while CR4.PCIDE = 0 (SDM Vol. 2B INVPCID). */
static void do_invpcid_all(void *p)
{
    static struct invpcid_desc d;
    (void)p;
    __asm__ __volatile__("invpcid %0, %1" : : "m"(d), "r"(2u) : "memory");
}

static void do_invpcid_pcid1(void *p)
{
    static struct invpcid_desc d = {1, 0};
    (void)p;
    __asm__ __volatile__("invpcid %0, %1" : : "m"(d), "r"(0u) : "memory");
}

static void do_pkru(void *p)
{
    uint32_t pkru;
    __asm__ __volatile__("rdpkru" : "=a"(pkru) : "c"(0) : "edx");
    __asm__ __volatile__("wrpkru" : : "a"(pkru | 0xC), "c"(0), "d"(0));
    uint32_t back;
    __asm__ __volatile__("rdpkru" : "=a"(back) : "c"(0) : "edx");
    __asm__ __volatile__("wrpkru" : : "a"(pkru), "c"(0), "d"(0));
    *(int *)p = back == (pkru | 0xC);
}

static void tsc_aux_readers(void)
{
    int rdtscp = cpuid_bit(0x80000001u, 0, 'd', 27), rdpid = cpuid_bit(7, 0, 'c', 22);
    uint64_t old = 0;
    if ((rdtscp || rdpid) && (conf_rdmsr(MSR_TSC_AUX, &old) || conf_wrmsr(MSR_TSC_AUX, TSC_AUX_MARK)))
        return; /* features_msr.c already printed what failed */
    uint32_t aux = 0;
    if (rdtscp) {
        int r = conf_try(do_rdtscp, &aux);
        conf("feat.rdtscp", "%s", r >= 0 ? conf_try_name(r) : aux == TSC_AUX_MARK ? "ok" : "wrong-aux");
    } else {
        feat_not_advertised("rdtscp");
    }
    if (rdpid) {
        int r = conf_try(do_rdpid, &aux);
        conf("feat.rdpid", "%s", r >= 0 ? conf_try_name(r) : aux == TSC_AUX_MARK ? "ok" : "wrong-aux");
    } else {
        feat_not_advertised("rdpid");
    }
    if (rdtscp || rdpid)
        conf_wrmsr(MSR_TSC_AUX, old);
}

static void random_numbers(void)
{
    int got = 0, r;
    if (cpuid_bit(1, 0, 'c', 30)) {
        r = conf_try(do_rdrand, &got);
        conf("feat.rdrand", "%s", r >= 0 ? conf_try_name(r) : got ? "ok" : "no-data");
    } else {
        feat_not_advertised("rdrand");
    }
    if (cpuid_bit(7, 0, 'b', 18)) {
        r = conf_try(do_rdseed, &got);
        conf("feat.rdseed", "%s", r >= 0 ? conf_try_name(r) : got ? "ok" : "no-data");
    } else {
        feat_not_advertised("rdseed");
    }
}

static void if_advertised(const char *name, uint32_t leaf, char reg, unsigned bit, void (*fn)(void *))
{
    if (cpuid_bit(leaf, 0, reg, bit))
        feat_exec(name, fn);
    else
        feat_not_advertised(name);
}

/* SSE needs CR4.OSFXSR (SDM Vol. 3A 13.1.3): #UD without, runs with. */
static void sse(void)
{
    uint32_t cr4 = read_cr4();
    write_cr4(cr4 & ~CR4_OSFXSR);
    feat_exec("sse.without_osfxsr", do_sse);
    write_cr4(cr4 | CR4_OSFXSR);
    feat_exec("sse.with_osfxsr", do_sse);
    write_cr4(cr4);
}

static void protection_keys(void)
{
    if (!cpuid_bit(7, 0, 'c', 3)) {
        feat_not_advertised("pku");
        return;
    }
    uint32_t cr4 = read_cr4();
    feat_exec("rdpkru.without_pke", do_pkru);
    if (cr4_try_write(cr4 | CR4_PKE) < 0) {
        int same = 0;
        int r = conf_try(do_pkru, &same);
        conf("feat.pkru", "%s", r >= 0 ? conf_try_name(r) : same ? "round-trips" : "readback-differs");
        write_cr4(cr4);
    }
}

void feat_exec(const char *name, void (*fn)(void *))
{
    int scratch_int = 0;
    conf(feat_key("feat.", name), "%s", conf_try_name(conf_try(fn, &scratch_int)));
}

void probe_feature_insns(void)
{
    tsc_aux_readers();
    random_numbers();
    if_advertised("clflush", 1, 'd', 19, do_clflush);
    if_advertised("clflushopt", 7, 'b', 23, do_clflushopt);
    if_advertised("clwb", 7, 'b', 24, do_clwb);
    if_advertised("monitor", 1, 'c', 3, do_monitor);
    if_advertised("stac_clac", 7, 'b', 20, do_stac_clac);
    if_advertised("fpu", 1, 'd', 0, do_fpu);
    if (cpuid_bit(1, 0, 'd', 25))
        sse();
    if (cpuid_bit(7, 0, 'b', 10)) {
        feat_exec("invpcid.all", do_invpcid_all);
        feat_exec("invpcid.pcid1_without_pcide", do_invpcid_pcid1);
    } else {
        feat_not_advertised("invpcid");
    }
    /* RDFSBASE exists only in 64-bit mode: #UD here (SDM Vol. 2B). */
    if_advertised("rdfsbase.in_32bit_mode", 7, 'b', 0, do_rdfsbase);
    protection_keys();
    feat_exec("wbinvd", do_wbinvd);
    conf("feat.pcid", "untested (CR4.PCIDE needs IA-32e mode; see feat.cr4.pcide)");
}
