/* The kernel's check of its own machinery (option "selftest", scenario
 * 98): conf_try catches what it must and returns the right vector,
 * nests, and leaves the caller's registers alone; conf_set_handler
 * handlers run; an interrupt without a handler is reported; an
 * exception outside conf_try is reported and powers off. */
#include "partitions/common/cpu.h"
#include "partitions/conform/conform.h"
#include "partitions/conform/kernel.h"

#define SELFTEST_VECTOR 0x40
#define UNHANDLED_VECTOR 0x41

static volatile uint32_t handler_runs;

static void raise_ud(void *p) { (void)p; __asm__ __volatile__("ud2"); }

static void raise_de(void *p)
{
    (void)p;
    __asm__ __volatile__("xorl %%edx, %%edx; xorl %%ecx, %%ecx; divl %%ecx" ::: "eax", "ecx", "edx");
}

/* Reserved bit 63 of IA32_APIC_BASE: #GP on every CPU that has the MSR
 * (SDM Vol. 3A 11.4.4), an emulator with lenient unknown-MSR handling
 * included. */
static void raise_gp(void *p)
{
    (void)p;
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1ull << 63));
}

static void raise_bp(void *p) { (void)p; __asm__ __volatile__("int3"); }
static void returns(void *p) { *(int *)p = 42; }

/* A #UD inside a try inside a try: the inner catches, the outer runs on
 * and returns normally. */
static void nested(void *p) { *(int *)p = conf_try(raise_ud, 0); }

/* Callee-saved registers hold known values across a caught fault. */
static int registers_kept(void)
{
    uint32_t ebx, esi, edi;
    __asm__ __volatile__("movl $0x11111111, %%ebx\n\t"
                         "movl $0x22222222, %%esi\n\t"
                         "movl $0x33333333, %%edi\n\t"
                         "pushl $0\n\t"
                         "pushl %[fn]\n\t"
                         "call conf_try\n\t"
                         "addl $8, %%esp"
                         : "=b"(ebx), "=S"(esi), "=D"(edi)
                         : [fn] "i"(raise_ud)
                         : "eax", "ecx", "edx", "memory", "cc");
    return ebx == 0x11111111 && esi == 0x22222222 && edi == 0x33333333;
}

static void selftest_handler(void) { handler_runs++; }

void conform_selftest(void)
{
    int out = 0;
    conf("selftest.try.returns", "%s", conf_try(returns, &out) == -1 && out == 42 ? "ok" : "failed");
    conf("selftest.try.ud", "%s", conf_try_name(conf_try(raise_ud, 0)));
    conf("selftest.try.de", "%s", conf_try_name(conf_try(raise_de, 0)));
    conf("selftest.try.gp", "%s", conf_try_name(conf_try(raise_gp, 0)));
    conf("selftest.try.bp", "%s", conf_try_name(conf_try(raise_bp, 0)));
    out = -2;
    int outer = conf_try(nested, &out);
    conf("selftest.try.nested", "%s", outer == -1 && out == 6 ? "ok" : "failed");
    conf("selftest.try.registers_kept", "%s", registers_kept() ? "ok" : "failed");
    conf("selftest.wrmsr.reserved", "%s", conf_fault_name(conf_wrmsr(MSR_APIC_BASE, 1ull << 63)));

    conf_set_handler(SELFTEST_VECTOR, selftest_handler);
    __asm__ __volatile__("int %0" : : "i"(SELFTEST_VECTOR) : "memory");
    conf_set_handler(SELFTEST_VECTOR, 0);
    conf("selftest.handler", "%s", handler_runs == 1 ? "ran" : "failed");
    __asm__ __volatile__("int %0" : : "i"(UNHANDLED_VECTOR) : "memory"); /* prints unexpected.vector.065 */

    /* Last: a fault with no try armed must be reported, then power off. */
    conf("selftest.fatal", "next");
    raise_ud(0);
    conf("selftest.fatal", "survived");
}
